//! Zola's `resize_image` and `get_image_metadata`: a call reads the image's header and queues the resize under
//! Zola's name (`processed_images/STEM.HASH.EXT`); `ImageQueue::process` encodes the queue on every core.
//! Reads images; writes nothing (the encoded files go to the build's sink, an unchanged one copied from the last output).

use rayon::prelude::*;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use tera::{Error, Kwargs, TeraResult, Value};

use crate::error::{Diagnostic, Location};
use crate::output::{Contents, OutputFile};

/// Where processed images go under the output folder, and their URLs under `base_url`, as in Zola.
pub const PROCESSED_IMAGES: &str = "processed_images";

/// The resizes asked for so far, by output file name; shared by every render of a build.
#[derive(Debug, Default)]
pub struct ImageQueue {
    root: PathBuf,
    theme: Option<String>,
    queued: Mutex<BTreeMap<String, Resize>>,
    /// What `process` made so far, with its source's modification time: `serve` renders the same pages again
    /// after each edit, and an image made for the last update is not made again.
    made: Mutex<std::collections::HashMap<String, Option<std::time::SystemTime>>>,
}

/// One image to make.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Resize {
    source: PathBuf,
    crop: Option<Crop>,
    size: Option<(u32, u32)>,
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Jpeg {
        quality: u8,
    },
    Png,
    /// `None` (no `quality` given) is lossless, through image's encoder; `Some(0..=100)` is lossy, through libwebp
    /// (the `webp` crate), as in Zola.
    WebP {
        quality: Option<u8>,
    },
}

impl Format {
    fn extension(self) -> &'static str {
        match self {
            Format::Jpeg { .. } => "jpg",
            Format::Png => "png",
            Format::WebP { .. } => "webp",
        }
    }
}

/// Zola's operations in Zola's order: the derived `Hash` goes into output names (`output_name`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Operation {
    Scale(u32, u32),
    FitWidth(u32),
    FitHeight(u32),
    Fit(u32, u32),
    Fill(u32, u32),
}

impl ImageQueue {
    pub fn new(root: &Path, theme: Option<&str>) -> ImageQueue {
        ImageQueue {
            root: root.to_path_buf(),
            theme: theme.map(str::to_string),
            queued: Mutex::default(),
            made: Mutex::default(),
        }
    }

    /// `resize_image(path, width, height, op="fill", format="auto", quality=75)`: the output's `url`,
    /// `static_path`, `width`, `height`, `orig_width`, `orig_height`.
    pub fn resize_image(&self, kwargs: &Kwargs, base_url: &str) -> TeraResult<Value> {
        let path: &str = kwargs.must_get("path")?;
        let width: Option<u32> = kwargs.get("width")?;
        let height: Option<u32> = kwargs.get("height")?;
        let op: &str = kwargs.get("op")?.unwrap_or("fill");
        let format: &str = kwargs.get("format")?.unwrap_or("auto");
        let quality: Option<u8> = kwargs.get("quality")?;
        let operation = operation(op, width, height)?;
        let (source, written) = self.find("resize_image", path)?;
        let (orig_width, orig_height, lossy) = read_header("resize_image", &source, &written)?;
        let format = match (format, lossy) {
            ("auto", true) | ("jpg" | "jpeg", _) => match quality.unwrap_or(75) {
                quality @ 1..=100 => Format::Jpeg { quality },
                other => return Err(fail("resize_image", format!("JPEG quality must be 1 to 100, not {other}"))),
            },
            ("auto", false) | ("png", _) => Format::Png,
            ("webp", _) => match quality {
                None | Some(0..=100) => Format::WebP { quality },
                Some(other) => return Err(fail("resize_image", format!("WebP quality must be 0 to 100, not {other}"))),
            },
            (other, _) => {
                return Err(fail("resize_image", format!("unknown format `{other}`: use auto, jpg, png or webp")))
            }
        };
        let (crop, size) = plan(operation, (orig_width, orig_height));
        let name = output_name(&written, operation, format);
        let (width, height) = size.unwrap_or((orig_width, orig_height));
        self.queued
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(name.clone(), Resize { source, crop, size, format });
        Ok(Value::from(BTreeMap::from([
            ("url", Value::from(format!("{base_url}/{PROCESSED_IMAGES}/{name}"))),
            ("static_path", Value::from(format!("static/{PROCESSED_IMAGES}/{name}"))),
            ("width", Value::from(width)),
            ("height", Value::from(height)),
            ("orig_width", Value::from(orig_width)),
            ("orig_height", Value::from(orig_height)),
        ])))
    }

    /// `get_image_metadata(path, allow_missing=false)`: `width`, `height`, `format`, `mime`, for SVG too.
    pub fn get_image_metadata(&self, kwargs: &Kwargs) -> TeraResult<Value> {
        let path: &str = kwargs.must_get("path")?;
        let allow_missing = kwargs.get::<bool>("allow_missing")?.unwrap_or(false);
        let (source, written) = match self.find("get_image_metadata", path) {
            Ok(found) => found,
            Err(_) if allow_missing => return Ok(Value::none()),
            Err(e) => return Err(e),
        };
        // Zola picks the reader by the extension, in any case.
        let is_svg = source.extension().is_some_and(|extension| extension.eq_ignore_ascii_case("svg"));
        let (width, height, name, mime) = match is_svg {
            true => {
                let (width, height) = svg_size(&source)
                    .map_err(|e| fail("get_image_metadata", format!("`{written}` is an SVG without a size: {e}")))?;
                (width, height, "svg", "text/svg+xml")
            }
            false => {
                let reader = open(&source).map_err(|e| fail("get_image_metadata", e))?;
                let format = reader.format();
                let (width, height) = reader
                    .into_dimensions()
                    .map_err(|e| fail("get_image_metadata", format!("`{written}` is not an image it can read: {e}")))?;
                let (name, mime) = match format {
                    Some(image::ImageFormat::Jpeg) => ("jpg", "image/jpeg"),
                    Some(image::ImageFormat::Png) => ("png", "image/png"),
                    Some(image::ImageFormat::WebP) => ("webp", "image/webp"),
                    Some(image::ImageFormat::Gif) => ("gif", "image/gif"),
                    _ => ("", ""),
                };
                (width, height, name, mime)
            }
        };
        Ok(Value::from(BTreeMap::from([
            ("width", Value::from(width)),
            ("height", Value::from(height)),
            ("format", Value::from(name)),
            ("mime", Value::from(mime)),
        ])))
    }

    /// Where `path` is, as Zola looks (`files::find_site_file`), and the path as written, which names the output.
    fn find(&self, function: &str, path: &str) -> TeraResult<(PathBuf, String)> {
        match super::files::find_site_file(&self.root, self.theme.as_deref(), path) {
            Ok(Some(found)) => Ok(found),
            Ok(None) => Err(fail(
                function,
                format!(
                    "no image at `{path}` (looked in the site's folder, static/, content/ and the theme's static/)"
                ),
            )),
            Err(reason) => Err(fail(function, reason)),
        }
    }

    /// Every queued image: copied from `cache` (the last output's `processed_images/`) when it is there and
    /// newer than its source, otherwise encoded, in parallel. An image that cannot be made is a diagnostic.
    pub fn process(&self, cache: Option<&Path>, diagnostics: &mut Vec<Diagnostic>) -> Vec<OutputFile> {
        let mut queued = std::mem::take(&mut *self.queued.lock().unwrap_or_else(PoisonError::into_inner));
        let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
        let mut made = self.made.lock().unwrap_or_else(PoisonError::into_inner);
        queued.retain(|name, resize| made.get(name) != Some(&modified(&resize.source)));
        // A site may commit Zola's output under `static/processed_images/` (Zola's own docs do): the static copy
        // is that image, made by Zola under the same name, and `static/` puts it in the output already.
        let in_static = |name: &str| {
            let mut places = vec![self.root.join("static")];
            places.extend(self.theme.iter().map(|theme| self.root.join("themes").join(theme).join("static")));
            places.iter().any(|place| place.join(PROCESSED_IMAGES).join(name).is_file())
        };
        queued.retain(|name, _| !in_static(name));
        made.extend(queued.iter().map(|(name, resize)| (name.clone(), modified(&resize.source))));
        drop(made);
        // One image per task: each is costly, and both cores stay busy to the last one.
        let results: Vec<Result<OutputFile, Diagnostic>> = queued
            .into_iter()
            .collect::<Vec<_>>()
            .into_par_iter()
            .with_max_len(1)
            .map(|(name, resize)| {
                let path = format!("{PROCESSED_IMAGES}/{name}");
                if let Some(cached) = cache.map(|cache| cache.join(&name)).filter(|c| is_fresh(c, &resize.source)) {
                    return Ok(OutputFile { path, contents: Contents::Copy(cached) });
                }
                let bytes = encode(&resize).map_err(|reason| {
                    let file = resize.source.strip_prefix(&self.root).unwrap_or(&resize.source).to_path_buf();
                    Diagnostic::error(Location::file(file), "image", format!("cannot make `{path}`: {reason}"))
                        .with_help("the file must be a JPEG, PNG, WebP or GIF image")
                })?;
                Ok(OutputFile { path, contents: Contents::Bytes(bytes) })
            })
            .collect();
        crate::error::values_and_diagnostics(results, diagnostics)
    }
}

fn fail(function: &str, message: impl std::fmt::Display) -> Error {
    Error::message(format!("`{function}`: {message}"))
}

fn open(source: &Path) -> Result<image::ImageReader<std::io::BufReader<std::fs::File>>, String> {
    image::ImageReader::open(source).and_then(image::ImageReader::with_guessed_format).map_err(|e| e.to_string())
}

/// An SVG's size as Zola reads it (svg_metadata): its `width` and `height` (a percentage is of the viewBox), else
/// its viewBox's; truncated to whole pixels.
fn svg_size(source: &Path) -> Result<(u32, u32), String> {
    let svg = svg_metadata::Metadata::parse_file(source).map_err(|e| e.to_string())?;
    match (svg.width(), svg.height(), svg.view_box) {
        (Some(width), Some(height), _) => Ok((width as u32, height as u32)),
        (_, _, Some(view_box)) => Ok((view_box.width as u32, view_box.height as u32)),
        _ => Err("it has neither `width` and `height` nor a `viewBox`".to_string()),
    }
}

/// Width, height and whether the format is lossy (JPEG), from the header only.
fn read_header(function: &str, source: &Path, written: &str) -> TeraResult<(u32, u32, bool)> {
    let reader = open(source).map_err(|e| fail(function, e))?;
    let lossy = reader.format() == Some(image::ImageFormat::Jpeg);
    let (width, height) = reader
        .into_dimensions()
        .map_err(|e| fail(function, format!("`{written}` is not an image it can read: {e}")))?;
    Ok((width, height, lossy))
}

fn operation(op: &str, width: Option<u32>, height: Option<u32>) -> TeraResult<Operation> {
    let need = |what: &str| fail("resize_image", format!("op=\"{op}\" needs {what}"));
    Ok(match (op, width, height) {
        ("fit_width", Some(w), _) => Operation::FitWidth(w),
        ("fit_width", None, _) => return Err(need("a `width`")),
        ("fit_height", _, Some(h)) => Operation::FitHeight(h),
        ("fit_height", _, None) => return Err(need("a `height`")),
        ("scale", Some(w), Some(h)) => Operation::Scale(w, h),
        ("fit", Some(w), Some(h)) => Operation::Fit(w, h),
        ("fill", Some(w), Some(h)) => Operation::Fill(w, h),
        ("scale" | "fit" | "fill", _, _) => return Err(need("a `width` and a `height`")),
        (other, _, _) => {
            return Err(fail(
                "resize_image",
                format!("unknown op `{other}`: use scale, fit_width, fit_height, fit or fill"),
            ))
        }
    })
}

/// The crop (x, y, width, height) and the final size an operation gives an image of `original` size.
/// x, y, width, height of the part of the image kept.
type Crop = (u32, u32, u32, u32);

fn plan(operation: Operation, original: (u32, u32)) -> (Option<Crop>, Option<(u32, u32)>) {
    let (ow, oh) = (u64::from(original.0.max(1)), u64::from(original.1.max(1)));
    match operation {
        Operation::Scale(w, h) => (None, Some((w, h))),
        Operation::FitWidth(w) => (None, Some((w, (oh * u64::from(w) / ow) as u32))),
        Operation::FitHeight(h) => (None, Some(((ow * u64::from(h) / oh) as u32, h))),
        Operation::Fit(w, h) if ow <= u64::from(w) && oh <= u64::from(h) => (None, None),
        Operation::Fit(w, h) if ow * u64::from(h) > oh * u64::from(w) => plan(Operation::FitWidth(w), original),
        Operation::Fit(_, h) => plan(Operation::FitHeight(h), original),
        Operation::Fill(w, h) => {
            // Crop the middle to the target's proportions, then scale; nearly equal proportions just scale.
            let factor_w = ow as f32 / w.max(1) as f32;
            let factor_h = oh as f32 / h.max(1) as f32;
            if (factor_w - factor_h).abs() <= 0.1 {
                return (None, Some((w, h)));
            }
            let (ow, oh) = (ow as u32, oh as u32);
            let crop = if factor_w < factor_h {
                let crop_h = ((factor_w * h as f32).round() as u32).min(oh);
                (0, (oh - crop_h) / 2, ow, crop_h)
            } else {
                let crop_w = ((factor_h * w as f32).round() as u32).min(ow);
                ((ow - crop_w) / 2, 0, crop_w, oh)
            };
            (Some(crop), Some((w, h)))
        }
    }
}

/// `STEM.HASH.EXT` exactly as Zola names it, so a site that commits Zola's `static/processed_images/` (Zola's
/// own docs do) gets no second copy: std's SipHash over the path as written (its bytes alone), the operation
/// (derived `Hash`, variants in Zola's order) and the format (extension, quality, and -1 for AVIF's speed).
fn output_name(written: &str, operation: Operation, format: Format) -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    hasher.write(written.as_bytes());
    operation.hash(&mut hasher);
    hasher.write(format.extension().as_bytes());
    hasher.write_i16(match format {
        Format::Jpeg { quality } | Format::WebP { quality: Some(quality) } => quality.into(),
        Format::Png | Format::WebP { quality: None } => -1,
    });
    hasher.write_i16(-1);
    let stem = Path::new(written).file_stem().map_or("image".into(), |s| s.to_string_lossy());
    format!("{stem}.{:016x}.{}", hasher.finish(), format.extension())
}

/// Whether the last build's copy can be reused: it exists and is not older than its source.
fn is_fresh(cached: &Path, source: &Path) -> bool {
    let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    matches!((modified(cached), modified(source)), (Some(made), Some(changed)) if made >= changed)
}

fn encode(resize: &Resize) -> Result<Vec<u8>, String> {
    let reader = open(&resize.source)?;
    let mut image = reader.decode().map_err(|e| e.to_string())?;
    if let Some((x, y, w, h)) = resize.crop {
        image = image.crop_imm(x, y, w, h);
    }
    if let Some((w, h)) = resize.size {
        image = image.resize_exact(w.max(1), h.max(1), image::imageops::FilterType::Lanczos3);
    }
    let mut bytes = Vec::new();
    let mut cursor = std::io::Cursor::new(&mut bytes);
    match resize.format {
        Format::Jpeg { quality } => {
            let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut cursor, quality);
            image.to_rgb8().write_with_encoder(encoder)
        }
        Format::Png => image.write_with_encoder(image::codecs::png::PngEncoder::new(&mut cursor)),
        Format::WebP { quality: None } => {
            image.to_rgba8().write_with_encoder(image::codecs::webp::WebPEncoder::new_lossless(&mut cursor))
        }
        Format::WebP { quality: Some(quality) } => return Ok(lossy_webp(&image, quality)),
    }
    .map_err(|e| e.to_string())?;
    Ok(bytes)
}

/// libwebp's lossy encoder at `quality` (0-100): image has none. Images without alpha stay three channels, as in
/// Zola, so the file carries no alpha plane.
fn lossy_webp(image: &image::DynamicImage, quality: u8) -> Vec<u8> {
    let (width, height) = (image.width(), image.height());
    let encoded = if image.color().has_alpha() {
        webp::Encoder::from_rgba(image.to_rgba8().as_raw(), width, height).encode(f32::from(quality))
    } else {
        webp::Encoder::from_rgb(image.to_rgb8().as_raw(), width, height).encode(f32::from(quality))
    };
    encoded.to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 14: Zola's docs commit Zola's processed images under `static/processed_images/`; the same call must
    /// give the same name (`01-zola.782c862031f6b2d5.png` is in getzola/zola `docs/static/processed_images/`).
    #[test]
    fn issue_14_output_names_are_zolas() {
        let written = "documentation/content/image-processing/01-zola.png";
        assert_eq!(output_name(written, Operation::Scale(150, 150), Format::Png), "01-zola.782c862031f6b2d5.png");
    }

    #[test]
    fn operations_give_zolas_sizes_and_crops() {
        assert_eq!(plan(Operation::Scale(10, 20), (300, 200)), (None, Some((10, 20))));
        assert_eq!(plan(Operation::FitWidth(150), (300, 200)), (None, Some((150, 100))));
        assert_eq!(plan(Operation::FitHeight(100), (300, 200)), (None, Some((150, 100))));
        assert_eq!(plan(Operation::Fit(1000, 1000), (300, 200)), (None, None));
        assert_eq!(plan(Operation::Fit(150, 150), (300, 200)), (None, Some((150, 100))));
        assert_eq!(plan(Operation::Fill(100, 100), (300, 200)), (Some((50, 0, 200, 200)), Some((100, 100))));
        assert_eq!(plan(Operation::Fill(100, 100), (200, 300)), (Some((0, 50, 200, 200)), Some((100, 100))));
    }

    #[test]
    fn names_keep_the_stem_and_differ_by_operation_and_format() {
        let a = output_name("content/a/photo.jpg", Operation::Fill(1, 1), Format::Png);
        assert!(a.starts_with("photo.") && a.ends_with(".png") && a.len() == "photo.".len() + 16 + 4, "{a}");
        assert_ne!(a, output_name("content/a/photo.jpg", Operation::Fill(1, 2), Format::Png));
        assert_ne!(a, output_name("content/a/photo.jpg", Operation::Fill(1, 1), Format::WebP { quality: None }));
        let lossy = output_name("content/a/photo.jpg", Operation::Fill(1, 1), Format::WebP { quality: Some(80) });
        assert_ne!(lossy, output_name("content/a/photo.jpg", Operation::Fill(1, 1), Format::WebP { quality: None }));
    }
}
