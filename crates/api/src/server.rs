//! Building and running the HTTP server, in the foreground (the binary) or on a background
//! thread (tests and embedding).

use crate::auth::JwtKeys;
use crate::bootstrap::{BootstrapError, Bootstrapped, bootstrap};
use crate::error::ErrorCode;
use crate::metrics::ServerMetrics;
use crate::ratelimit::LoginLimiter;
use crate::runner_host::RunnerHost;
use crate::settings::Settings;
use crate::state::AppState;
use crate::system::SystemStats;
use crate::{middleware as mw, routes};
use actix_web::middleware::{ErrorHandlers, from_fn};
use actix_web::{App, HttpServer, web};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use std::time::Instant;
use utoipa_swagger_ui::SwaggerUi;
use xianyu_logs::Collector;

/// A server started by [`spawn`]; stops when dropped.
pub struct RunningServer {
    /// The bound address (port 0 in the settings picks a free port).
    pub addr: SocketAddr,
    /// The admin password created on this start, if the database was empty.
    pub created_admin_password: Option<String>,
    handle: actix_web::dev::ServerHandle,
    runner: Arc<RunnerHost>,
    logs: Arc<Collector>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl RunningServer {
    /// `http://<addr>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops the server and waits for its thread.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(t) = self.thread.take() {
            let stopping = self.handle.stop(false);
            // The stop future completes on the server's own runtime; poll it there.
            std::thread::spawn(move || futures_executor_block_on(stopping));
            let _ = t.join();
            self.runner.shutdown();
            self.logs.detach();
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn futures_executor_block_on<F: std::future::Future>(f: F) -> F::Output {
    actix_web::rt::System::new().block_on(f)
}

fn start_runner(
    settings: &Settings,
    boot: &Bootstrapped,
    metrics: Arc<ServerMetrics>,
) -> Result<Arc<RunnerHost>, BootstrapError> {
    let endpoints = settings.goofish_endpoints();
    log::info!(target: "xianyu::server", "Goofish endpoints: {endpoints:?}");
    let images = crate::routes::uploads::UploadedImages::new(
        boot.store.clone(),
        settings.data_dir.join("uploads"),
    );
    let host = RunnerHost::start(
        &boot.store,
        Arc::new(images),
        endpoints,
        settings.runner_config(),
        settings.delivery.clone(),
        metrics,
    )?;
    host.start_item_sync(
        &boot.store,
        settings.item_sync_first_delay,
        Duration::from_secs(u64::from(settings.item_sync_hours) * 3600),
    );
    Ok(host)
}

/// The server's log collector, attached to the process's logger before anything else runs so
/// that migrations and start-up are in it too.
fn start_logs(settings: &Settings) -> Result<Arc<Collector>, BootstrapError> {
    let logs = Collector::new(settings.log_config())
        .map_err(|e| BootstrapError(format!("cannot open the log directory: {e}")))?;
    logs.attach();
    if !xianyu_logs::is_installed() {
        log::warn!(target: "xianyu::server", "the xianyu logger is not installed: the logs page stays empty");
    }
    Ok(logs)
}

/// Tells the collector who owns each account (records about an account then name its user).
fn note_owners(store: &xianyu_persistence::Store, logs: &Collector) {
    match store.account_owners() {
        Ok(pairs) => pairs
            .into_iter()
            .for_each(|(a, u)| logs.set_owner(a.0, u.0)),
        Err(e) => log::warn!(target: "xianyu::server", "account owners for the logs: {e}"),
    }
}

fn app_state(
    settings: &Settings,
    boot: &Bootstrapped,
    runner: Arc<RunnerHost>,
    logs: Arc<Collector>,
    metrics: Arc<ServerMetrics>,
) -> Result<AppState, BootstrapError> {
    note_owners(&boot.store, &logs);
    let user_events = crate::user_events::UserEvents::default();
    let inbox = crate::inbox::Inbox::new(
        boot.store.clone(),
        runner.clone(),
        user_events.clone(),
        settings.captcha.clone(),
        settings.captcha_auto,
        &settings.goofish_endpoints(),
    );
    inbox.follow();
    let qr_logins = crate::qr_logins::QrLogins::new(
        &settings.goofish_endpoints(),
        boot.store.clone(),
        runner.clone(),
        inbox.clone(),
        user_events.clone(),
        logs.clone(),
    )
    .map_err(BootstrapError)?;
    Ok(AppState {
        inbox,
        qr_logins,
        user_events,
        runner,
        logs,
        metrics,
        metrics_token: settings.metrics_token.as_deref().map(Arc::from),
        log_settings: {
            let c = settings.log_config();
            crate::state::LogSettings {
                buffer: c.buffer,
                retention_days: c.retention_days,
                file_max_mb: c.max_file_bytes / (1024 * 1024),
            }
        },
        store: boot.store.clone(),
        jwt: Arc::new(JwtKeys::new(&boot.jwt_secret)),
        limiter: Arc::new(LoginLimiter::default()),
        sessions: Arc::default(),
        system: SystemStats::start(&settings.data_dir),
        started: Instant::now(),
        session_hours: settings.session_hours,
        uploads_dir: settings.data_dir.join("uploads"),
    })
}

/// Binds the listener and returns the server future plus the bound address.
fn build(
    settings: &Settings,
    state: AppState,
) -> std::io::Result<(actix_web::dev::Server, SocketAddr)> {
    let data = web::Data::new(state);
    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .wrap(ErrorHandlers::new().default_handler(mw::envelope_errors))
            .wrap(mw::security_headers())
            .wrap(from_fn(mw::log_requests))
            .configure(routes::configure)
            .service(
                SwaggerUi::new("/docs/{_:.*}")
                    .config(utoipa_swagger_ui::Config::from("/openapi.json")),
            )
            .default_service(web::to(|| async {
                Err::<actix_web::HttpResponse, _>(crate::ApiError::new(
                    ErrorCode::NotFound,
                    "no such route",
                ))
            }))
    })
    .shutdown_timeout(5);
    if let Some(w) = settings.workers {
        server = server.workers(w.max(1));
    }
    let server = server.bind(&settings.bind)?;
    let addr = server
        .addrs()
        .first()
        .copied()
        .ok_or_else(|| std::io::Error::other("no address bound"))?;
    Ok((server.run(), addr))
}

/// Runs the server in the current actix/tokio runtime until it is stopped (Ctrl-C / SIGTERM).
pub async fn run(settings: Settings) -> Result<(), BootstrapError> {
    run_with(settings, |_| Ok(())).await
}

/// Like [`run`], with a setup step on the migrated store before the account runner starts
/// (the demo mode adds its account there).
pub async fn run_with(
    settings: Settings,
    setup: impl FnOnce(&xianyu_persistence::Store) -> Result<(), BootstrapError>,
) -> Result<(), BootstrapError> {
    let logs = start_logs(&settings)?;
    let boot = bootstrap(&settings)?;
    if let Some(pw) = &boot.created_admin_password {
        announce_admin(&settings, pw);
    }
    setup(&boot.store)?;
    let metrics = Arc::new(ServerMetrics::new());
    let runner = start_runner(&settings, &boot, metrics.clone())?;
    let state = app_state(&settings, &boot, runner.clone(), logs.clone(), metrics)?;
    let (server, addr) = build(&settings, state)
        .map_err(|e| BootstrapError(format!("cannot listen on {}: {e}", settings.bind)))?;
    log::info!(
        target: "xianyu::server",
        "listening on http://{addr} ({} database); API docs at http://{addr}/docs/",
        boot.store.backend().as_str()
    );
    let served = server.await.map_err(|e| BootstrapError(e.to_string()));
    runner.shutdown();
    logs.flush();
    logs.detach();
    served
}

fn announce_admin(settings: &Settings, password: &str) {
    // Printed once to stdout (not to the log), as promised in the README.
    println!(
        "Created the first user 'admin' with password: {password}\n\
         (also saved to {}; change it after logging in)",
        crate::bootstrap::initial_admin_password_path(&settings.data_dir).display()
    );
}

/// Starts the server on its own thread and runtime and returns once it listens.
pub fn spawn(settings: Settings) -> Result<RunningServer, BootstrapError> {
    let logs = start_logs(&settings)?;
    let boot = bootstrap(&settings)?;
    let created_admin_password = boot.created_admin_password.clone();
    let metrics = Arc::new(ServerMetrics::new());
    let runner = start_runner(&settings, &boot, metrics.clone())?;
    let thread_runner = runner.clone();
    let thread_logs = logs.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    let thread = std::thread::Builder::new()
        .name("xianyu-http".into())
        .spawn(move || {
            let system = actix_web::rt::System::new();
            system.block_on(async move {
                let built = app_state(&settings, &boot, thread_runner, thread_logs, metrics)
                    .map_err(|e| std::io::Error::other(e.0))
                    .and_then(|state| build(&settings, state));
                match built {
                    Ok((server, addr)) => {
                        let _ = tx.send(Ok((server.handle(), addr)));
                        let _ = server.await;
                    }
                    Err(e) => {
                        let _ = tx.send(Err(e));
                    }
                }
            });
        })
        .map_err(|e| BootstrapError(e.to_string()))?;
    let (handle, addr) = rx
        .recv()
        .map_err(|e| BootstrapError(e.to_string()))?
        .map_err(|e| BootstrapError(format!("cannot listen: {e}")))?;
    Ok(RunningServer {
        addr,
        created_admin_password,
        handle,
        runner,
        logs,
        thread: Some(thread),
    })
}
