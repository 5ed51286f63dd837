//! Starting and stopping the simulator on its own OS thread and actix runtime.

use crate::config::SimConfig;
use crate::error::SimError;
use crate::state::SimState;
use crate::{control, mtop, passport, qr, slider, ws};
use actix_web::{App, HttpServer, web};
use std::sync::Arc;
use std::thread::JoinHandle;

/// Entry point of the simulator.
#[derive(Debug)]
pub struct GoofishSim;

/// A running simulator; stops on [`SimHandle::stop`] or on drop.
#[derive(Debug)]
pub struct SimHandle {
    port: u16,
    host: String,
    state: Arc<SimState>,
    server: Option<actix_web::dev::ServerHandle>,
    thread: Option<JoinHandle<()>>,
}

/// Adds every route (mtop, passport, upload, WebSocket, control) to an actix app.
pub(crate) fn routes(cfg: &mut web::ServiceConfig) {
    control::configure(cfg);
    cfg.route("/h5/{api}/{v}/", web::route().to(mtop::handle))
        .route("/h5/{api}/{v}", web::route().to(mtop::handle))
        .route(
            "/h5/{api}/{v}/_____tmd_____/punish",
            web::get().to(slider::punish_page),
        )
        .route(slider::VERIFY_PATH, web::post().to(slider::verify))
        .route("/api/upload.api", web::post().to(passport::upload))
        .route("/mini_login.htm", web::get().to(passport::mini_login))
        .route(
            "/newlogin/qrcode/generate.do",
            web::get().to(qr::qr_generate),
        )
        .route("/newlogin/qrcode/query.do", web::post().to(qr::qr_query))
        .route("/newlogin/hasLogin.do", web::post().to(passport::has_login))
        .route(
            "/newlogin/silentHasLogin.do",
            web::post().to(passport::has_login),
        )
        .route(
            "/ac/account/setLoginSettings.do",
            web::post().to(passport::set_login_settings),
        )
        .route("/qr/{id}", web::get().to(qr::qr_page))
        .route("/qr/{id}/verify", web::get().to(qr::qr_verify_page))
        .route("/", web::get().to(ws::entry));
}

impl GoofishSim {
    /// Binds `config.bind:config.port` (0 = random) and serves everything on that one port
    /// from a dedicated thread; returns once the port is bound and the server is running.
    pub fn start(config: SimConfig) -> Result<SimHandle, SimError> {
        let listener = std::net::TcpListener::bind((config.bind, config.port))?;
        let port = listener.local_addr()?.port();
        let host = match config.bind {
            std::net::IpAddr::V6(a) => format!("[{a}]"),
            a if a.is_unspecified() => "127.0.0.1".to_string(),
            a => a.to_string(),
        };
        let workers = config.workers.max(1);
        let state = Arc::new(SimState::new(config, format!("http://{host}:{port}")));
        let data = web::Data::new(state.clone());
        let (tx, rx) = std::sync::mpsc::channel();
        let thread = std::thread::Builder::new()
            .name(format!("goofish-sim-{port}"))
            .spawn(move || {
                let system = actix_web::rt::System::new();
                let ready = tx.clone();
                let result = system.block_on(async move {
                    let server = HttpServer::new(move || {
                        App::new()
                            .app_data(data.clone())
                            .app_data(web::PayloadConfig::new(32 * 1024 * 1024))
                            .configure(routes)
                    })
                    .workers(workers)
                    .disable_signals()
                    .shutdown_timeout(1)
                    .listen(listener)?
                    .run();
                    let _ = ready.send(Ok(server.handle()));
                    server.await
                });
                if let Err(e) = result {
                    let _ = tx.send(Err(e));
                }
            })?;
        let server = match rx.recv() {
            Ok(Ok(h)) => h,
            Ok(Err(e)) => return Err(SimError::Io(e)),
            Err(_) => return Err(SimError::Start("server thread exited".into())),
        };
        log::info!(target: "goofish_sim", "simulator listening on {host}:{port}");
        Ok(SimHandle {
            port,
            host,
            state,
            server: Some(server),
            thread: Some(thread),
        })
    }
}

impl SimHandle {
    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://<host>:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://{}:{}", self.host, self.port)
    }

    /// The mtop base (same as [`SimHandle::base_url`]).
    pub fn h5api_base(&self) -> String {
        self.base_url()
    }

    /// `ws://<host>:<port>/`.
    pub fn ws_url(&self) -> String {
        format!("ws://{}:{}/", self.host, self.port)
    }

    /// The passport base (same as [`SimHandle::base_url`]).
    pub fn passport_base(&self) -> String {
        self.base_url()
    }

    /// `<base>/api/upload.api`.
    pub fn upload_url(&self) -> String {
        format!("{}/api/upload.api", self.base_url())
    }

    /// In-process access to the simulator state.
    pub fn state(&self) -> Arc<SimState> {
        self.state.clone()
    }

    /// Stops the server and joins its thread.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(server) = self.server.take() {
            // The stop command is sent when `stop` is called; the future only awaits completion.
            drop(server.stop(false));
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        self.shutdown();
    }
}
