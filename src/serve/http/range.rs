//! A request's `Range: bytes=…` header against a body's length: the whole body, one part of it, or nothing.
//! Pure; one range only (a list of several gets the whole body, which RFC 9110 allows). Safari needs it for video.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByteRange {
    Whole,
    /// Bytes `start..end` (end exclusive) of the body.
    Part {
        start: usize,
        end: usize,
    },
    /// 416: the range starts past the end.
    Unsatisfiable,
}

pub fn byte_range(header: &str, length: usize) -> ByteRange {
    let Some(spec) = header.trim().strip_prefix("bytes=") else {
        return ByteRange::Whole;
    };
    if spec.contains(',') {
        return ByteRange::Whole;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return ByteRange::Whole;
    };
    let number = |text: &str| match text.bytes().all(|byte| byte.is_ascii_digit()) {
        true => text.parse::<usize>().ok(),
        false => None,
    };
    match (first.trim(), last.trim()) {
        ("", "") => ByteRange::Whole,
        ("", suffix) => match number(suffix) {
            Some(0) => ByteRange::Unsatisfiable,
            Some(suffix) if length > 0 => ByteRange::Part { start: length.saturating_sub(suffix), end: length },
            Some(_) => ByteRange::Unsatisfiable,
            None => ByteRange::Whole,
        },
        (start, end) => {
            let Some(start) = number(start) else {
                return ByteRange::Whole;
            };
            let end = match end {
                "" => Some(length),
                text => number(text).map(|last| last.saturating_add(1).min(length)),
            };
            match end {
                None => ByteRange::Whole,
                Some(_) if start >= length => ByteRange::Unsatisfiable,
                Some(end) if end <= start => ByteRange::Whole,
                Some(end) => ByteRange::Part { start, end },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ByteRange::*;

    fn check(header: &str, expected: ByteRange) {
        assert_eq!(byte_range(header, 100), expected, "{header}");
    }

    #[test]
    fn ranges() {
        check("bytes=0-9", Part { start: 0, end: 10 });
        check("bytes=90-", Part { start: 90, end: 100 });
        check("bytes=90-500", Part { start: 90, end: 100 });
        check("bytes=-10", Part { start: 90, end: 100 });
        check("bytes=-500", Part { start: 0, end: 100 });
        check("bytes=0-0", Part { start: 0, end: 1 });
        check("bytes=100-", Unsatisfiable);
        check("bytes=-0", Unsatisfiable);
        check("bytes=5-1", Whole);
        check("bytes=0-1,5-6", Whole);
        check("bytes=a-b", Whole);
        check("bytes=+1-2", Whole);
        check("items=0-1", Whole);
        check("bytes=99999999999999999999999-", Whole);
    }
}
