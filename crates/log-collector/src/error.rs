//! The crate's one error enum.

/// Why a log operation failed; `code()` is stable and machine-readable.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    /// Another logger is already installed in this process.
    #[error("a logger is already installed in this process")]
    AlreadyInstalled,
    /// A log file or directory could not be read or written.
    #[error("log file error: {0}")]
    Io(#[from] std::io::Error),
    /// The day names no log file.
    #[error("no log file for {0}")]
    NoSuchFile(String),
}

impl LogError {
    /// Stable code for API errors.
    pub fn code(&self) -> &'static str {
        match self {
            Self::AlreadyInstalled => "logger_installed",
            Self::Io(_) => "log_io",
            Self::NoSuchFile(_) => "log_file_not_found",
        }
    }
}
