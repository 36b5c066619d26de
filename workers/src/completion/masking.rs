//! The organization's PII policy at the provider boundary, for every kind of job.
//!
//! - mask before provider: the messages' values are replaced by placeholders (continuing the
//!   numbering of values masked when the run was stored, if any) before the cache key and the
//!   request are made, so neither the provider nor the response cache sees them; the answer's
//!   tokens are restored as they stream ([`StreamRestorer`]) and the output is restored.
//! - mask before storage: the provider gets the messages as given; the tokens the sink
//!   receives (which become stored events) are masked as they stream ([`StreamMasker`]), and
//!   [`Completed::redacted_output`] is what a caller stores instead of the output. The
//!   response cache keeps the answer masked the same way ([`masked_entry`]): a hit replays
//!   what a miss streamed and stored, and the cache holds no values either.
//! - off: nothing.

use super::{Ask, Completed, Completion, CompletionError, TokenSink};
use crate::cache::CachedResponse;
use crate::pii::vault::{self, Mapping};
use crate::pii::{MaskSession, Masker, OrgPii, PiiMode, StreamMasker, StreamRestorer};

impl Completion {
    /// [`Completion::complete`] for a run whose stored values were masked: `known` is its
    /// vault's placeholder map, so the placeholders the provider sees are the stored ones and
    /// they are restored in the answer. The messages are the originals.
    pub async fn complete_with(
        &self,
        mut ask: Ask,
        known: &Mapping,
        sink: &mut dyn TokenSink,
    ) -> Result<Completed, CompletionError> {
        let pii: std::sync::Arc<OrgPii> = self
            .pii
            .of(&self.db, ask.org)
            .await
            .map_err(|error| CompletionError::Pii(error.to_string()))?;
        match pii.mode() {
            PiiMode::Off => self.complete_plain(ask, sink, None).await,
            PiiMode::BeforeProvider => {
                let mut session = pii.masker.session_with(vault::pairs(known));
                for message in &mut ask.messages {
                    message.content = session.mask(&message.content).text;
                }
                let mut restoring = Restoring {
                    inner: sink,
                    session: &session,
                    restorer: StreamRestorer::new(),
                    next: 0,
                };
                let mut done = self.complete_plain(ask, &mut restoring, None).await?;
                restoring.finish().await;
                done.output = session.restore(&done.output);
                Ok(done)
            }
            PiiMode::BeforeStorage => {
                let mut session = pii.masker.session_with(vault::pairs(known));
                let mut masking = Masking {
                    inner: sink,
                    session: &mut session,
                    masker: StreamMasker::new(),
                    next: 0,
                };
                let mut done = self
                    .complete_plain(ask, &mut masking, Some(&pii.masker))
                    .await?;
                masking.finish().await;
                done.redacted_output = Some(session.mask(&done.output).text);
                Ok(done)
            }
        }
    }
}

impl Completion {
    /// `text` as the organization's policy stores it: masked unless the policy is off.
    pub async fn redact_for_storage(
        &self,
        org: uuid::Uuid,
        text: &str,
    ) -> Result<String, CompletionError> {
        let pii = self
            .pii
            .of(&self.db, org)
            .await
            .map_err(|error| CompletionError::Pii(error.to_string()))?;
        Ok(if pii.masks_storage() {
            pii.masker.redact(text)
        } else {
            text.to_owned()
        })
    }
}

/// Restores placeholders in the tokens before they reach the caller's sink.
struct Restoring<'a, 's> {
    inner: &'a mut dyn TokenSink,
    session: &'a MaskSession<'s>,
    restorer: StreamRestorer,
    next: usize,
}

impl Restoring<'_, '_> {
    async fn emit(&mut self, text: String) {
        if !text.is_empty() {
            self.inner.token(self.next, &text).await;
            self.next += 1;
        }
    }

    async fn finish(&mut self) {
        let rest = self.restorer.finish(self.session);
        self.emit(rest).await;
    }
}

#[async_trait::async_trait]
impl TokenSink for Restoring<'_, '_> {
    async fn token(&mut self, _index: usize, text: &str) {
        let ready = self.restorer.push(text, self.session);
        self.emit(ready).await;
    }
}

/// Masks the tokens before they reach the caller's sink.
struct Masking<'a, 's> {
    inner: &'a mut dyn TokenSink,
    session: &'a mut MaskSession<'s>,
    masker: StreamMasker,
    next: usize,
}

impl Masking<'_, '_> {
    async fn emit(&mut self, text: String) {
        if !text.is_empty() {
            self.inner.token(self.next, &text).await;
            self.next += 1;
        }
    }

    async fn finish(&mut self) {
        let rest = self.masker.finish(self.session);
        self.emit(rest).await;
    }
}

#[async_trait::async_trait]
impl TokenSink for Masking<'_, '_> {
    async fn token(&mut self, _index: usize, text: &str) {
        let ready = self.masker.push(text, self.session);
        self.emit(ready).await;
    }
}

/// A cache entry with its tokens masked as the live stream masks them (a value split over
/// tokens included); the token counts stay the provider's.
pub(super) fn masked_entry(entry: CachedResponse, masker: &Masker) -> CachedResponse {
    let mut session = masker.session();
    let mut stream = StreamMasker::new();
    let mut tokens: Vec<String> = entry
        .tokens
        .iter()
        .map(|token| stream.push(token, &mut session))
        .filter(|text| !text.is_empty())
        .collect();
    let rest = stream.finish(&mut session);
    if !rest.is_empty() {
        tokens.push(rest);
    }
    CachedResponse { tokens, ..entry }
}
