//! Putting originals back in place of placeholders, for a whole text or for a token stream
//! whose chunks may split a placeholder in two.

/// Longest placeholder we wait for in a stream: `[` + a 32-character label + `_` + digits + `]`.
const MAX_PLACEHOLDER_LEN: usize = 48;

fn is_label_char(c: char) -> bool {
    c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'
}

/// Replaces every `[LABEL_N]` that `lookup` knows; the rest of `text` is copied as it is.
pub(crate) fn replace_placeholders<'a>(
    text: &str,
    lookup: impl Fn(&str) -> Option<&'a str>,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let tail = &rest[open..];
        let close = tail[1..]
            .find(|c: char| !is_label_char(c))
            .map(|i| i + 1)
            .filter(|&i| tail[i..].starts_with(']'));
        match close.and_then(|i| lookup(&tail[..=i]).map(|orig| (i, orig))) {
            Some((i, original)) => {
                out.push_str(original);
                rest = &tail[i + 1..];
            }
            None => {
                out.push('[');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Restores a streamed answer chunk by chunk: text that could be the start of a placeholder
/// is held back until the next chunk (or [`StreamRestorer::finish`]) decides it.
#[derive(Debug, Default)]
pub struct StreamRestorer {
    pending: String,
}

impl StreamRestorer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds one chunk; returns the restored text that is now safe to show.
    pub fn push(&mut self, chunk: &str, session: &super::MaskSession<'_>) -> String {
        self.pending.push_str(chunk);
        let hold_from = self.pending.rfind('[').filter(|&i| {
            let tail = &self.pending[i + 1..];
            self.pending.len() - i < MAX_PLACEHOLDER_LEN && tail.chars().all(is_label_char)
        });
        let ready = match hold_from {
            Some(i) => {
                let held = self.pending.split_off(i);
                std::mem::replace(&mut self.pending, held)
            }
            None => std::mem::take(&mut self.pending),
        };
        session.restore(&ready)
    }

    /// The rest of the answer once the stream has ended.
    pub fn finish(&mut self, session: &super::MaskSession<'_>) -> String {
        session.restore(&std::mem::take(&mut self.pending))
    }
}
