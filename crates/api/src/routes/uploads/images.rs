//! The reply-image pipeline: sniff the type from the content (JPEG, PNG, GIF, WebP), enforce
//! the size limit, decode with bounded dimensions and allocation (decompression bombs are
//! rejected), flatten transparency onto white, cap the longest side at 1920 and re-encode to
//! JPEG quality 85 (spec §2.5); plus the on-disk layout `<data_dir>/uploads/<id>.jpg`.
//!
//! Everything except [`write_file`] / [`read_file`] / [`remove_file`] is pure.

use crate::error::ApiError;
use crate::error::ErrorCode;
use image::{DynamicImage, ImageFormat, ImageReader, Limits, RgbImage};
use std::io::Cursor;
use std::path::{Path, PathBuf};

/// Largest accepted upload (5 MB).
pub const MAX_UPLOAD_BYTES: usize = 5 * 1024 * 1024;
/// Largest accepted width or height of a decoded image.
pub const MAX_DIMENSION: u32 = 8000;
/// Upper bound of the decoder's allocations (a 8000×8000 RGBA image is 256 MB).
pub const MAX_DECODE_ALLOC: u64 = 300 * 1024 * 1024;
/// The longest side of the stored JPEG (spec §2.5).
pub const MAX_SIDE: u32 = 1920;
/// JPEG quality of the stored image (spec §2.5).
pub const JPEG_QUALITY: u8 = 85;

/// A supported input type, recognised by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    /// `FF D8 FF`.
    Jpeg,
    /// `89 50 4E 47`.
    Png,
    /// `47 49 46 38` (`GIF8`).
    Gif,
    /// `RIFF....WEBP`.
    WebP,
}

impl ImageKind {
    fn format(self) -> ImageFormat {
        match self {
            Self::Jpeg => ImageFormat::Jpeg,
            Self::Png => ImageFormat::Png,
            Self::Gif => ImageFormat::Gif,
            Self::WebP => ImageFormat::WebP,
        }
    }
}

/// Why an image was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageError {
    /// Not JPEG/PNG/GIF/WebP by content, or undecodable.
    Unsupported(String),
    /// More than [`MAX_UPLOAD_BYTES`].
    TooLarge,
    /// Wider or taller than [`MAX_DIMENSION`] (or empty), or the decoder would need more
    /// memory than allowed.
    Dimensions(String),
}

impl From<ImageError> for ApiError {
    fn from(e: ImageError) -> Self {
        match e {
            ImageError::Unsupported(m) => ApiError::new(ErrorCode::UnsupportedImage, m),
            ImageError::TooLarge => ApiError::new(
                ErrorCode::ImageTooLarge,
                format!("images may be at most {MAX_UPLOAD_BYTES} bytes"),
            ),
            ImageError::Dimensions(m) => ApiError::new(ErrorCode::ImageDimensions, m),
        }
    }
}

/// The type of `bytes` by its magic number.
pub fn sniff(bytes: &[u8]) -> Option<ImageKind> {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Some(ImageKind::Jpeg),
        [0x89, 0x50, 0x4E, 0x47, ..] => Some(ImageKind::Png),
        [0x47, 0x49, 0x46, 0x38, ..] => Some(ImageKind::Gif),
        [
            b'R',
            b'I',
            b'F',
            b'F',
            _,
            _,
            _,
            _,
            b'W',
            b'E',
            b'B',
            b'P',
            ..,
        ] => Some(ImageKind::WebP),
        _ => None,
    }
}

/// A re-encoded image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Processed {
    /// The JPEG.
    pub jpeg: Vec<u8>,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// Validates and re-encodes an uploaded image (see the module docs).
pub fn process(bytes: &[u8]) -> Result<Processed, ImageError> {
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(ImageError::TooLarge);
    }
    let kind = sniff(bytes).ok_or_else(|| {
        ImageError::Unsupported("only JPEG, PNG, GIF and WebP images are accepted".into())
    })?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), kind.format());
    reader.limits(limits);
    let img = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => ImageError::Dimensions(format!(
            "images may be at most {MAX_DIMENSION}×{MAX_DIMENSION} pixels"
        )),
        other => ImageError::Unsupported(format!("cannot decode the image: {other}")),
    })?;
    if img.width() == 0 || img.height() == 0 {
        return Err(ImageError::Dimensions("the image is empty".into()));
    }
    let img = if img.width().max(img.height()) > MAX_SIDE {
        img.resize(MAX_SIDE, MAX_SIDE, image::imageops::FilterType::Triangle)
    } else {
        img
    };
    let rgb = flatten(&img);
    let (width, height) = rgb.dimensions();
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, JPEG_QUALITY)
        .encode_image(&rgb)
        .map_err(|e| ImageError::Unsupported(format!("cannot encode the image: {e}")))?;
    Ok(Processed {
        jpeg,
        width,
        height,
    })
}

/// RGB with any transparency composed onto white (JPEG has no alpha).
fn flatten(img: &DynamicImage) -> RgbImage {
    if !img.color().has_alpha() {
        return img.to_rgb8();
    }
    let rgba = img.to_rgba8();
    let mut out = RgbImage::new(rgba.width(), rgba.height());
    for (dst, src) in out.pixels_mut().zip(rgba.pixels()) {
        let a = u16::from(src[3]);
        for i in 0..3 {
            let c = u16::from(src[i]) * a + 255 * (255 - a);
            dst[i] = u8::try_from(c / 255).unwrap_or(u8::MAX);
        }
    }
    out
}

/// A new random upload id: 128 bits as 32 lowercase hex digits.
pub fn new_upload_id() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

/// Whether `s` looks like an upload id (32 lowercase hex digits).
pub fn is_upload_id(s: &str) -> bool {
    s.len() == 32
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The stored file's name for an upload id.
pub fn file_name(id: &str) -> String {
    format!("{id}.jpg")
}

/// The path of a stored file; `None` for names that are not plain `<id>.jpg`.
pub fn file_path(dir: &Path, file_name: &str) -> Option<PathBuf> {
    let stem = file_name.strip_suffix(".jpg")?;
    is_upload_id(stem).then(|| dir.join(file_name))
}

/// Writes a stored file (creating the directory with mode 0700), via a temporary file and a
/// rename so readers never see a partial image.
pub fn write_file(dir: &Path, file_name: &str, bytes: &[u8]) -> std::io::Result<()> {
    let path = file_path(dir, file_name)
        .ok_or_else(|| std::io::Error::other(format!("bad upload file name {file_name:?}")))?;
    create_dir(dir)?;
    let tmp = dir.join(format!(".{file_name}.tmp"));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, &path)
}

/// Reads a stored file.
pub fn read_file(dir: &Path, file_name: &str) -> std::io::Result<Vec<u8>> {
    let path = file_path(dir, file_name)
        .ok_or_else(|| std::io::Error::other(format!("bad upload file name {file_name:?}")))?;
    std::fs::read(path)
}

/// Removes a stored file; a missing file is not an error.
pub fn remove_file(dir: &Path, file_name: &str) -> std::io::Result<()> {
    let Some(path) = file_path(dir, file_name) else {
        return Ok(());
    };
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

#[cfg(unix)]
fn create_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageEncoder, Rgba, RgbaImage};

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = RgbaImage::from_pixel(w, h, Rgba([10, 200, 30, 128]));
        let mut out = Vec::new();
        image::codecs::png::PngEncoder::new(&mut out)
            .write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgba8)
            .map(|()| out)
            .unwrap_or_default()
    }

    /// CRC-32 (IEEE) of a PNG chunk's type and data.
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = u32::MAX;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn sniffs_by_magic() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(ImageKind::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n"), Some(ImageKind::Png));
        assert_eq!(sniff(b"GIF89a"), Some(ImageKind::Gif));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(ImageKind::WebP));
        assert_eq!(sniff(b"RIFF\0\0\0\0WAVE"), None);
        assert_eq!(sniff(b"hello"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn png_is_reencoded_to_jpeg_and_capped() {
        let p = process(&png(40, 20)).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((p.width, p.height), (40, 20));
        assert_eq!(sniff(&p.jpeg), Some(ImageKind::Jpeg));
        let big = process(&png(3000, 1000)).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((big.width, big.height), (1920, 640));
    }

    #[test]
    fn rejects_text_big_and_bombs() {
        assert!(matches!(
            process(b"just text"),
            Err(ImageError::Unsupported(_))
        ));
        assert_eq!(
            process(&vec![0u8; MAX_UPLOAD_BYTES + 1]),
            Err(ImageError::TooLarge)
        );
        // A PNG header claiming 20000×20000 pixels: rejected before allocating.
        let mut bomb = png(1, 1);
        bomb[16..20].copy_from_slice(&20_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&20_000u32.to_be_bytes());
        let crc = crc32(&bomb[12..29]);
        bomb[29..33].copy_from_slice(&crc.to_be_bytes());
        assert!(matches!(process(&bomb), Err(ImageError::Dimensions(_))));
    }

    #[test]
    fn ids_and_paths() {
        let id = new_upload_id();
        assert!(is_upload_id(&id));
        assert!(!is_upload_id("../../etc/passwd"));
        assert!(file_path(Path::new("/d"), &file_name(&id)).is_some());
        assert!(file_path(Path::new("/d"), "../x.jpg").is_none());
    }
}
