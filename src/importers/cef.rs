//! ArcSight Common Event Format, one event a line, optionally behind a syslog header:
//! `CEF:Version|Device Vendor|Device Product|Device Version|Signature ID|Name|Severity|Extension`.
//! In the header `\|` and `\\` are escapes; in the extension, `key=value` pairs separated by
//! spaces, `\=`, `\\`, `\n` and `\r` are. Each event becomes an alert; the usual address, host,
//! user, file and URL keys become its entities.

use chrono::{DateTime, NaiveDateTime, Utc};

use super::{Parsed, RecordProblem};
use crate::core::alert::{AlertDetails, RawAlert, RawEntity};
use crate::core::vocabulary::Severity;

/// The prefix that starts an event, wherever the syslog header ends.
const MARKER: &str = "CEF:";

/// Whether a text looks like CEF: its first non-blank line holds an event.
pub fn looks_like(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .is_some_and(|line| line.contains(MARKER) && line.matches('|').count() >= 7)
}

/// Reads a CEF file's bytes a slice of lines at a time, so a large file is read between the
/// browser's other work and shows its progress. Each line is decoded on its own: bytes that
/// are not UTF-8 become U+FFFD, and [`Reader::replaced`] says whether any did.
pub struct Reader<'a> {
    rest: &'a [u8],
    length: usize,
    line: usize,
    replaced: bool,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `bytes` (a byte-order mark skipped).
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        Reader {
            rest: bytes,
            length: bytes.len(),
            line: 0,
            replaced: false,
        }
    }

    /// Reads up to `lines` more lines into `parsed`; false once the text is all read.
    pub fn read(&mut self, lines: usize, parsed: &mut Parsed) -> bool {
        for _ in 0..lines {
            if self.rest.is_empty() {
                return false;
            }
            let end = self
                .rest
                .iter()
                .position(|byte| *byte == b'\n')
                .unwrap_or(self.rest.len());
            let bytes = &self.rest[..end];
            self.rest = self.rest.get(end + 1..).unwrap_or_default();
            self.line += 1;
            let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
            let line = String::from_utf8_lossy(bytes);
            self.replaced |= matches!(line, std::borrow::Cow::Owned(_));
            if line.trim().is_empty() {
                continue;
            }
            match parse_line(&line) {
                Ok(alert) => parsed.alerts.push((self.line, alert)),
                Err(reason) => parsed.problems.push(RecordProblem {
                    record: self.line,
                    reason,
                }),
            }
        }
        !self.rest.is_empty()
    }

    /// How much of the file is read, in bytes, and how long it is.
    pub fn progress(&self) -> (usize, usize) {
        (self.length - self.rest.len(), self.length)
    }

    /// Whether some bytes read so far were not UTF-8.
    pub fn replaced(&self) -> bool {
        self.replaced
    }
}

/// One event, or why the line is not one.
fn parse_line(line: &str) -> Result<RawAlert, String> {
    let start = line
        .find(MARKER)
        .ok_or_else(|| format!("no \"{MARKER}\" in the line"))?;
    let (header, extension) = split_header(&line[start + MARKER.len()..])?;
    let [
        version,
        vendor,
        product,
        _product_version,
        signature,
        name,
        severity,
    ] = header;
    if version.trim().parse::<u32>().is_err() {
        return Err(format!("the CEF version {version:?} is not a number"));
    }
    let fields = parse_extension(extension)?;
    let field = |key: &str| {
        fields
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.as_str())
            .filter(|value| !value.is_empty())
    };
    let time = |key: &str| -> Result<Option<DateTime<Utc>>, String> {
        field(key)
            .map(|value| parse_time(value).ok_or_else(|| format!("{key}: {value:?} is not a time")))
            .transpose()
    };
    let start_time = match time("start")? {
        Some(start) => Some(start),
        None => time("rt")?,
    };
    let id = field("externalId").map_or_else(
        || format!("cef-{:016x}", fnv1a(line[start..].trim_end().as_bytes())),
        |external| format!("cef-{vendor}-{product}-{external}"),
    );
    Ok(RawAlert {
        id,
        start: start_time,
        entities: entities(&field),
        details: Box::new(AlertDetails {
            display_name: name.clone(),
            alert_type: signature.clone(),
            description: field("msg").unwrap_or_default().to_owned(),
            severity: severity_of(&severity)?,
            end: time("end")?,
            product_name: product.clone(),
            provider_name: "CEF".to_owned(),
            vendor_name: vendor.clone(),
            ..AlertDetails::default()
        }),
    })
}

/// The seven header fields, unescaped, and the extension after them.
fn split_header(text: &str) -> Result<([String; 7], &str), String> {
    let mut fields: Vec<String> = Vec::with_capacity(7);
    let mut current = String::new();
    let mut chars = text.char_indices();
    while let Some((position, character)) = chars.next() {
        match character {
            '\\' => match chars.next() {
                Some((_, escaped @ ('|' | '\\'))) => current.push(escaped),
                Some((_, other)) => {
                    current.push('\\');
                    current.push(other);
                }
                None => current.push('\\'),
            },
            '|' => {
                fields.push(std::mem::take(&mut current));
                if fields.len() == 7 {
                    let header = fields.try_into().expect("seven fields");
                    return Ok((header, &text[position + 1..]));
                }
            }
            other => current.push(other),
        }
    }
    Err(format!(
        "the header has {} of its 7 fields (version, vendor, product, version, signature id, name, severity)",
        fields.len()
    ))
}

/// The extension's `key=value` pairs, unescaped. A value runs until the space before the next
/// key, so values may hold spaces (and, leniently, an unescaped `=` not preceded by a key).
fn parse_extension(text: &str) -> Result<Vec<(String, String)>, String> {
    let is_key = |word: &str| {
        !word.is_empty()
            && word
                .chars()
                .all(|character| character.is_ascii_alphanumeric() || character == '_')
    };
    // Where each key starts and where its `=` is.
    let mut keys: Vec<(usize, usize)> = Vec::new();
    let bytes = text.as_bytes();
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'\\' => index += 1,
            b'=' => {
                let start = text[..index].rfind(' ').map_or(0, |space| space + 1);
                if is_key(&text[start..index]) {
                    keys.push((start, index));
                }
            }
            _ => {}
        }
        index += 1;
    }
    let before_first = keys.first().map_or(text, |(start, _)| &text[..*start]);
    if !before_first.trim().is_empty() {
        return Err(format!(
            "the extension holds {:?} where a key=value pair should be",
            before_first.trim()
        ));
    }
    Ok(keys
        .iter()
        .enumerate()
        .map(|(position, &(start, equal))| {
            let end = keys
                .get(position + 1)
                .map_or(text.len(), |(next_start, _)| *next_start);
            // The space before the next key separates; an escaped line break is part of the value.
            let raw = text[equal + 1..end].trim_end_matches(' ');
            (text[start..equal].to_owned(), unescape_value(raw))
        })
        .collect())
}

fn unescape_value(raw: &str) -> String {
    let mut value = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(character) = chars.next() {
        if character != '\\' {
            value.push(character);
            continue;
        }
        match chars.next() {
            Some('n') => value.push('\n'),
            Some('r') => value.push('\r'),
            Some(other) => value.push(other),
            None => value.push('\\'),
        }
    }
    value
}

/// CEF severities: 0-10, or the words the format allows.
fn severity_of(raw: &str) -> Result<Severity, String> {
    let raw = raw.trim();
    if let Ok(level) = raw.parse::<u8>() {
        return match level {
            0 => Ok(Severity::Informational),
            1..=3 => Ok(Severity::Low),
            4..=6 => Ok(Severity::Medium),
            7..=10 => Ok(Severity::High),
            _ => Err(format!("the severity {level} is not between 0 and 10")),
        };
    }
    match raw.to_ascii_lowercase().as_str() {
        "unknown" => Ok(Severity::Informational),
        "low" => Ok(Severity::Low),
        "medium" => Ok(Severity::Medium),
        "high" | "very-high" => Ok(Severity::High),
        _ => Err(format!(
            "the severity {raw:?} is not 0-10, Unknown, Low, Medium, High or Very-High"
        )),
    }
}

/// CEF times: milliseconds since 1970, `MMM dd yyyy HH:mm:ss` (with optional `.SSS`; read as
/// UTC), or RFC 3339.
fn parse_time(raw: &str) -> Option<DateTime<Utc>> {
    if let Ok(millis) = raw.parse::<i64>() {
        return DateTime::from_timestamp_millis(millis);
    }
    if let Ok(time) = DateTime::parse_from_rfc3339(raw) {
        return Some(time.with_timezone(&Utc));
    }
    ["%b %d %Y %H:%M:%S%.f", "%b %d %Y %H:%M:%S"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(raw, format).ok())
        .map(|naive| naive.and_utc())
}

/// The entities the usual extension keys name.
fn entities<'a>(field: &impl Fn(&str) -> Option<&'a str>) -> Vec<RawEntity> {
    let mut entities = Vec::new();
    for key in [
        "src",
        "dst",
        "sourceTranslatedAddress",
        "destinationTranslatedAddress",
    ] {
        if let Some(address) = field(key) {
            entities.push(RawEntity::new("ip", &[("Address", address)]));
        }
    }
    for key in ["shost", "dhost", "dvchost"] {
        if let Some(name) = field(key) {
            entities.push(host(name));
        }
    }
    for key in ["suser", "duser"] {
        if let Some(name) = field(key) {
            entities.push(account(name));
        }
    }
    if let Some(name) = field("fname") {
        let mut properties = vec![("Name", name)];
        if let Some(directory) = field("filePath") {
            properties.push(("Directory", directory));
        }
        entities.push(RawEntity::new("file", &properties));
    }
    if let Some(hash) = field("fileHash") {
        let algorithm = match hash.len() {
            32 => "MD5",
            40 => "SHA1",
            64 => "SHA256",
            _ => "Unknown",
        };
        entities.push(RawEntity::new(
            "filehash",
            &[("Algorithm", algorithm), ("Value", hash)],
        ));
    }
    if let Some(url) = field("request") {
        entities.push(RawEntity::new("url", &[("Url", url)]));
    }
    entities
}

/// A host from a name that may be fully qualified.
fn host(name: &str) -> RawEntity {
    match name.split_once('.') {
        Some((host, domain)) if name.parse::<std::net::IpAddr>().is_err() => {
            RawEntity::new("host", &[("HostName", host), ("DnsDomain", domain)])
        }
        _ => RawEntity::new("host", &[("HostName", name)]),
    }
}

/// An account from `user@domain`, `DOMAIN\user` or a bare name.
fn account(name: &str) -> RawEntity {
    if let Some((user, suffix)) = name.split_once('@') {
        RawEntity::new("account", &[("Name", user), ("UPNSuffix", suffix)])
    } else if let Some((domain, user)) = name.split_once('\\') {
        RawEntity::new("account", &[("Name", user), ("NTDomain", domain)])
    } else {
        RawEntity::new("account", &[("Name", name)])
    }
}

/// FNV-1a, 64 bits: a stable id for an event that carries none, the same on every platform.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}
