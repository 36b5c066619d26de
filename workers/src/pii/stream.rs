//! Masking a streamed answer chunk by chunk, for streams that are kept (the token events of
//! an organization that masks before storage): a value may arrive split over many chunks, so
//! text is released only up to a cut that no value still being written can cross.
//!
//! The cut is at whitespace at least [`WINDOW`] bytes before the end: a value without
//! whitespace (an email, a key) is never split by it, and a built-in value with whitespace (a
//! spaced card number or IBAN, a phone number) is shorter than the window. A finding that
//! crosses the cut moves it before the finding. Text with no whitespace at all (code, CJK
//! prose) is released once [`HARD_LIMIT`] bytes are pending, keeping the last [`HARD_KEEP`].
//! A custom pattern matching values longer than the window, with whitespace, may be split.

use super::MaskSession;

/// Bytes kept back behind a whitespace cut.
pub const WINDOW: usize = 64;
/// Pending bytes without whitespace before a cut is forced.
pub const HARD_LIMIT: usize = 512;
/// Bytes kept back behind a forced cut.
pub const HARD_KEEP: usize = 256;

/// Holds back what could still be part of a value; see the module's doc.
#[derive(Debug, Default)]
pub struct StreamMasker {
    pending: String,
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

impl StreamMasker {
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds one chunk; returns the masked text that is now safe to release (maybe empty).
    pub fn push(&mut self, chunk: &str, session: &mut MaskSession<'_>) -> String {
        self.pending.push_str(chunk);
        let Some(cut) = self.cut(session) else {
            return String::new();
        };
        let rest = self.pending.split_off(cut);
        let ready = std::mem::replace(&mut self.pending, rest);
        session.mask(&ready).text
    }

    /// The rest once the stream has ended.
    pub fn finish(&mut self, session: &mut MaskSession<'_>) -> String {
        let rest = std::mem::take(&mut self.pending);
        session.mask(&rest).text
    }

    fn cut(&self, session: &MaskSession<'_>) -> Option<usize> {
        let text = self.pending.as_str();
        let limit = floor_boundary(text, text.len().checked_sub(WINDOW)?);
        let mut cut = match text[..limit].rfind(char::is_whitespace) {
            Some(at) => at,
            None if text.len() > HARD_LIMIT => floor_boundary(text, text.len() - HARD_KEEP),
            None => return None,
        };
        for finding in session.find(text) {
            if finding.start < cut && cut < finding.end {
                cut = finding.start;
            }
        }
        (cut > 0).then_some(cut)
    }
}
