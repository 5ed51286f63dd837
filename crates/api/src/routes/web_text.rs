// Included by `build.rs` and `routes/web.rs`: the dashboard files that are text, so gzip'd.
/// Extensions of the dashboard's text files (sent gzip'd to clients that accept it).
const TEXT_EXTENSIONS: &[&str] = &["js", "css", "json", "svg", "txt", "html", "map"];
