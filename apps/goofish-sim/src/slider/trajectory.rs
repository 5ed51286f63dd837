//! The pure "was this slide plausibly human?" check behind `POST /_____tmd_____/verify`.
//!
//! A trajectory is the list of `[x, y, t_ms]` points the slider page records from the press
//! to the release: `x`/`y` are the pointer position in CSS px relative to the track's top-left
//! corner, `t_ms` is milliseconds since the press.

use super::{END_TOLERANCE_PX, SLIDER};

/// Minimum number of recorded points.
const MIN_POINTS: usize = 8;
/// Minimum time from the first to the last point, in ms.
const MIN_DURATION_MS: f64 = 300.0;
/// Largest single backward step of `x` tolerated, in px.
const MAX_BACK_STEP_PX: f64 = 15.0;
/// Largest total backward movement of `x` tolerated, in px.
const MAX_BACK_TOTAL_PX: f64 = 40.0;
/// Minimum vertical spread (max y − min y) that counts as "some y variation", in px.
const MIN_Y_SPREAD_PX: f64 = 1.0;
/// Minimum coefficient of variation of the segment speeds that counts as "non-constant speed".
const MIN_SPEED_CV: f64 = 0.15;

/// Why a trajectory was refused; [`TrajectoryRefusal::code`] is the `reason` sent back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrajectoryRefusal {
    /// Fewer than 8 points.
    TooFewPoints,
    /// A coordinate is NaN or infinite.
    NotFinite,
    /// A timestamp is smaller than the one before it.
    TimeGoesBackwards,
    /// Every point has the same timestamp.
    SameTimestamp,
    /// The slide took less than 300 ms.
    TooFast,
    /// The pointer did not travel the whole track (within the tolerance).
    NotAtEnd,
    /// `x` went backwards too much.
    NotMonotone,
    /// No y variation and constant speed: a scripted straight line.
    TooRegular,
}

impl TrajectoryRefusal {
    /// Stable snake_case code, used as the verify endpoint's `reason`.
    pub fn code(self) -> &'static str {
        match self {
            Self::TooFewPoints => "too_few_points",
            Self::NotFinite => "not_finite",
            Self::TimeGoesBackwards => "time_goes_backwards",
            Self::SameTimestamp => "same_timestamp",
            Self::TooFast => "too_fast",
            Self::NotAtEnd => "not_at_end",
            Self::NotMonotone => "not_monotone",
            Self::TooRegular => "too_regular",
        }
    }
}

impl std::fmt::Display for TrajectoryRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// Accepts a trajectory that looks like a human drag of the knob to the end of the track:
/// at least 8 points, non-decreasing and not all equal timestamps, a duration of at least
/// 300 ms, `x` mostly increasing (no step back over 15 px, at most 40 px back in total) and
/// travelling at least the slide distance (260 px) minus [`END_TOLERANCE_PX`], and either some
/// y variation (≥ 1 px) or a non-constant speed (coefficient of variation ≥ 0.15).
pub fn check_trajectory(points: &[[f64; 3]]) -> Result<(), TrajectoryRefusal> {
    if points.len() < MIN_POINTS {
        return Err(TrajectoryRefusal::TooFewPoints);
    }
    if points.iter().flatten().any(|v| !v.is_finite()) {
        return Err(TrajectoryRefusal::NotFinite);
    }
    if points.windows(2).any(|w| w[1][2] < w[0][2]) {
        return Err(TrajectoryRefusal::TimeGoesBackwards);
    }
    let (first, last) = (points[0], points[points.len() - 1]);
    if last[2] == first[2] {
        return Err(TrajectoryRefusal::SameTimestamp);
    }
    if last[2] - first[2] < MIN_DURATION_MS {
        return Err(TrajectoryRefusal::TooFast);
    }
    if last[0] - first[0] < SLIDER.slide_distance() - END_TOLERANCE_PX {
        return Err(TrajectoryRefusal::NotAtEnd);
    }
    let back_steps = points.windows(2).map(|w| (w[0][0] - w[1][0]).max(0.0));
    let (mut back_total, mut back_max) = (0.0_f64, 0.0_f64);
    for b in back_steps {
        back_total += b;
        back_max = back_max.max(b);
    }
    if back_max > MAX_BACK_STEP_PX || back_total > MAX_BACK_TOTAL_PX {
        return Err(TrajectoryRefusal::NotMonotone);
    }
    let (y_min, y_max) = points.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| {
        (lo.min(p[1]), hi.max(p[1]))
    });
    if y_max - y_min >= MIN_Y_SPREAD_PX || speed_cv(points) >= MIN_SPEED_CV {
        Ok(())
    } else {
        Err(TrajectoryRefusal::TooRegular)
    }
}

/// Coefficient of variation (std dev / mean) of the horizontal speed over the segments with a
/// positive duration; 0 when there are fewer than two such segments.
fn speed_cv(points: &[[f64; 3]]) -> f64 {
    let speeds: Vec<f64> = points
        .windows(2)
        .filter(|w| w[1][2] > w[0][2])
        .map(|w| (w[1][0] - w[0][0]) / (w[1][2] - w[0][2]))
        .collect();
    if speeds.len() < 2 {
        return 0.0;
    }
    let n = speeds.len() as f64;
    let mean = speeds.iter().sum::<f64>() / n;
    if mean.abs() < f64::EPSILON {
        return 0.0;
    }
    let var = speeds.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / n;
    var.sqrt() / mean.abs()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An ease-out drag from x=20 to x=20+262 over 900 ms with a little y wobble.
    fn human() -> Vec<[f64; 3]> {
        (0..=30)
            .map(|i| {
                let f = f64::from(i) / 30.0;
                let eased = 1.0 - (1.0 - f).powi(3);
                [
                    20.0 + 262.0 * eased,
                    17.0 + (f * 7.0).sin() * 2.0,
                    (f * 900.0).round(),
                ]
            })
            .collect()
    }

    #[test]
    fn human_drag_accepted() {
        assert_eq!(check_trajectory(&human()), Ok(()));
    }

    #[test]
    fn flat_but_accelerating_drag_accepted() {
        let pts: Vec<[f64; 3]> = human().into_iter().map(|[x, _, t]| [x, 17.0, t]).collect();
        assert_eq!(check_trajectory(&pts), Ok(()));
    }

    #[test]
    fn wobbly_constant_speed_accepted() {
        let pts: Vec<[f64; 3]> = (0..=20)
            .map(|i| {
                [
                    f64::from(i) * 13.0,
                    17.0 + f64::from(i % 3),
                    f64::from(i) * 30.0,
                ]
            })
            .collect();
        assert_eq!(check_trajectory(&pts), Ok(()));
    }

    #[test]
    fn two_point_jump_refused() {
        let pts = [[20.0, 17.0, 0.0], [290.0, 17.0, 5.0]];
        assert_eq!(check_trajectory(&pts), Err(TrajectoryRefusal::TooFewPoints));
    }

    #[test]
    fn instant_many_points_refused() {
        let pts: Vec<[f64; 3]> = (0..=10)
            .map(|i| {
                [
                    f64::from(i) * 27.0,
                    17.0 + f64::from(i % 2),
                    f64::from(i) * 2.0,
                ]
            })
            .collect();
        assert_eq!(check_trajectory(&pts), Err(TrajectoryRefusal::TooFast));
    }

    #[test]
    fn same_timestamp_refused() {
        let pts: Vec<[f64; 3]> = (0..=10)
            .map(|i| [f64::from(i) * 27.0, 17.0, 100.0])
            .collect();
        assert_eq!(
            check_trajectory(&pts),
            Err(TrajectoryRefusal::SameTimestamp)
        );
    }

    #[test]
    fn time_backwards_refused() {
        let mut pts = human();
        pts[5][2] = pts[3][2] - 1.0;
        assert_eq!(
            check_trajectory(&pts),
            Err(TrajectoryRefusal::TimeGoesBackwards)
        );
    }

    #[test]
    fn short_slide_refused() {
        let pts: Vec<[f64; 3]> = human()
            .into_iter()
            .map(|[x, y, t]| [20.0 + (x - 20.0) * 0.9, y, t])
            .collect();
        assert_eq!(check_trajectory(&pts), Err(TrajectoryRefusal::NotAtEnd));
    }

    #[test]
    fn within_tolerance_of_end_accepted() {
        let pts: Vec<[f64; 3]> = human()
            .into_iter()
            .map(|[x, y, t]| [20.0 + (x - 20.0) * 256.0 / 262.0, y, t])
            .collect();
        assert_eq!(check_trajectory(&pts), Ok(()));
    }

    #[test]
    fn back_and_forth_refused() {
        let mut pts = human();
        pts[10][0] -= 60.0;
        assert_eq!(check_trajectory(&pts), Err(TrajectoryRefusal::NotMonotone));
    }

    #[test]
    fn straight_constant_speed_line_refused() {
        let pts: Vec<[f64; 3]> = (0..=20)
            .map(|i| [f64::from(i) * 13.0, 17.0, f64::from(i) * 30.0])
            .collect();
        assert_eq!(check_trajectory(&pts), Err(TrajectoryRefusal::TooRegular));
    }

    #[test]
    fn non_finite_refused() {
        let mut pts = human();
        pts[4][1] = f64::NAN;
        assert_eq!(check_trajectory(&pts), Err(TrajectoryRefusal::NotFinite));
    }

    #[test]
    fn codes_are_snake_case() {
        assert_eq!(TrajectoryRefusal::TooRegular.code(), "too_regular");
        assert_eq!(TrajectoryRefusal::TooFast.to_string(), "too_fast");
    }
}
