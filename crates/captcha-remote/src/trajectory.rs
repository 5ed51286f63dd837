//! A human-like drag trajectory for the automatic attempt (pure): accelerate, cruise,
//! decelerate, a small overshoot now and then with a correction back, vertical drift, and
//! uneven timing. Deterministic for a given random generator, so tests can pin it.

use rand::Rng;

/// One point of a drag, relative to where the button was pressed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Step {
    /// Horizontal offset, CSS px.
    pub x: f64,
    /// Vertical offset, CSS px.
    pub y: f64,
    /// Milliseconds since the press.
    pub t_ms: u64,
}

/// The vertical drift never exceeds this, CSS px.
pub const MAX_DRIFT: f64 = 4.0;

/// Eases 0..1 in and out (slow start, fast middle, slow end).
fn ease(u: f64) -> f64 {
    u * u * (3.0 - 2.0 * u)
}

/// A drag of `distance` px: 35–60 points over 0.7–1.4 s, ending exactly at `distance`.
pub fn drag_trajectory(distance: f64, rng: &mut impl Rng) -> Vec<Step> {
    let n: usize = rng.random_range(35..=60);
    let duration: f64 = rng.random_range(700.0..1400.0);
    let overshoot = if rng.random_bool(0.4) {
        rng.random_range(2.0..6.0)
    } else {
        0.0
    };
    let target = distance + overshoot;
    let mut steps = Vec::with_capacity(n + 6);
    let mut y = 0.0_f64;
    let mut t = 0.0_f64;
    for i in 1..=n {
        let u = i as f64 / n as f64;
        let x = target * ease(u) + rng.random_range(-0.4..0.4) * (1.0 - u);
        y = (y + rng.random_range(-0.6..0.6)).clamp(-MAX_DRIFT, MAX_DRIFT);
        let dt = duration / n as f64 * rng.random_range(0.6..1.4);
        t += dt.max(4.0);
        steps.push(Step {
            x,
            y,
            t_ms: t as u64,
        });
    }
    if overshoot > 0.0 {
        let back: usize = rng.random_range(2..=4);
        for j in 1..=back {
            let x = target - overshoot * j as f64 / back as f64;
            t += rng.random_range(25.0..60.0);
            steps.push(Step {
                x,
                y,
                t_ms: t as u64,
            });
        }
    }
    if let Some(last) = steps.last_mut() {
        last.x = distance;
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn ends_at_the_distance_in_human_time() {
        for seed in 0..200 {
            let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
            let s = drag_trajectory(260.0, &mut rng);
            assert!(s.len() >= 35, "seed {seed}: {} points", s.len());
            assert_eq!(s.last().map(|p| p.x), Some(260.0));
            assert!(
                s.windows(2).all(|w| w[1].t_ms > w[0].t_ms),
                "seed {seed}: time goes forward"
            );
            let total = s.last().map(|p| p.t_ms).unwrap_or(0);
            assert!((500..=2200).contains(&total), "seed {seed}: {total} ms");
            assert!(s.iter().all(|p| p.y.abs() <= MAX_DRIFT));
            assert!(s.iter().all(|p| p.x <= 266.5 && p.x >= -1.0));
        }
    }

    #[test]
    fn speed_is_not_constant() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let s = drag_trajectory(260.0, &mut rng);
        let mid = s.len() / 2;
        let early = s[2].x - s[0].x;
        let middle = s[mid + 2].x - s[mid].x;
        assert!(middle > early * 2.0, "accelerates: {early} then {middle}");
    }
}
