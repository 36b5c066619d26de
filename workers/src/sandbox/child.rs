//! The child's side of the sandbox (`promptops sandbox-render`): limit itself, say `Ready`,
//! then render job after job from stdin until stdin closes.
//!
//! Memory: one address-space limit for the child's whole life (a render frees what it
//! allocated, so the next one starts with the same room). CPU: `RLIMIT_CPU` counts the
//! process's whole life, so the hard limit is the child's lifetime budget
//! (`CHILD_CPU_BUDGET_SECS`, lowered once and never raised again) and, before each render, the
//! soft limit is moved to the CPU already used plus `CPU_LIMIT_SECS` (+1 for the whole-second
//! rounding): a render that burns more gets SIGXCPU and dies, as a fresh process did. The
//! child reports its CPU time after each render and the parent retires it before the lifetime
//! budget could cut a render short.

use std::io::{Read, Write};
use std::process::ExitCode;

use super::protocol::{self, Frame, Job};
use super::{CHILD_CPU_BUDGET_SECS, CPU_LIMIT_SECS, MEMORY_LIMIT_BYTES, on_render_thread};
use crate::templating;

/// Lowers a limit to `wanted`, never above the hard limit this process already has.
fn lower(resource: rlimit::Resource, wanted: u64) -> std::io::Result<()> {
    let (_, hard) = rlimit::getrlimit(resource)?;
    let value = wanted.min(hard);
    rlimit::setrlimit(resource, value, value)
}

/// CPU time (user + system) this process has used, in milliseconds, from `/proc/self/stat`
/// (Linux; clock ticks of 1/100 s, the USER_HZ every Linux port uses). `None` elsewhere.
fn cpu_used_ms() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) is in parentheses and may hold spaces: count after it.
    let (_, rest) = stat.rsplit_once(')')?;
    let mut fields = rest.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some((utime + stime) * 10)
}

/// Gives the next render `CPU_LIMIT_SECS` (at least) of CPU from now, within the lifetime
/// budget. Without a CPU reading, the soft limit stays where it is (the parent retires such a
/// child after one render, so the first limit, `CPU_LIMIT_SECS`, is the render's).
fn arm_cpu_limit(used_ms: Option<u64>) -> std::io::Result<()> {
    let Some(used_ms) = used_ms else {
        return Ok(());
    };
    let (_, hard) = rlimit::getrlimit(rlimit::Resource::CPU)?;
    let soft = (used_ms / 1000 + CPU_LIMIT_SECS + 1).min(hard);
    rlimit::setrlimit(rlimit::Resource::CPU, soft, hard)
}

/// Sets the limits that hold for the child's whole life.
fn limit_self() -> std::io::Result<()> {
    // No core files when a limit kills us; then memory and CPU.
    lower(rlimit::Resource::CORE, 0)?;
    lower(rlimit::Resource::AS, MEMORY_LIMIT_BYTES)?;
    let used = cpu_used_ms();
    let budget = if used.is_some() {
        CHILD_CPU_BUDGET_SECS
    } else {
        CPU_LIMIT_SECS
    };
    lower(rlimit::Resource::CPU, budget)?;
    arm_cpu_limit(used)
}

/// Renders jobs until stdin ends; `Err` says what broke (the parent sees the exit status).
fn serve(input: &mut impl Read, output: &mut impl Write) -> Result<(), (u8, String)> {
    let ready = protocol::encode(&Frame::Ready).map_err(|e| (5, format!("encoding: {e}")))?;
    protocol::write_blocking(output, &ready).map_err(|e| (6, format!("writing: {e}")))?;
    loop {
        let Some(body) =
            protocol::read_blocking(input).map_err(|e| (3, format!("reading: {e}")))?
        else {
            return Ok(());
        };
        let job: Job =
            serde_json::from_slice(&body).map_err(|e| (4, format!("decoding the job: {e}")))?;
        drop(body);
        arm_cpu_limit(cpu_used_ms()).map_err(|e| (2, format!("setting the CPU limit: {e}")))?;
        let outcome = templating::render(&job.messages, &job.variables);
        drop(job);
        let answer = protocol::encode(&Frame::Answer {
            outcome,
            cpu_ms: cpu_used_ms(),
        })
        .map_err(|e| (5, format!("encoding the answer: {e}")))?;
        protocol::write_blocking(output, &answer)
            .map_err(|e| (6, format!("writing the answer: {e}")))?;
    }
}

/// `promptops sandbox-render`: limit this process, then render on a thread with a
/// `RENDER_STACK_BYTES` stack until stdin closes.
pub fn child_main() -> ExitCode {
    if let Err(error) = limit_self() {
        eprintln!("setting resource limits: {error}");
        return ExitCode::from(2);
    }
    let served = on_render_thread(|| {
        let (mut input, mut output) = (std::io::stdin().lock(), std::io::stdout().lock());
        serve(&mut input, &mut output)
    })
    .map_err(|e| (7, e.to_string()))
    .and_then(|thread| {
        thread
            .join()
            .map_err(|_| (7, "the render thread panicked".to_owned()))?
    });
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err((code, error)) => {
            eprintln!("{error}");
            ExitCode::from(code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::templating::ChatMessage;

    #[test]
    fn cpu_time_is_read_and_grows() {
        let before = cpu_used_ms().unwrap();
        let started = std::time::Instant::now();
        let mut x = 0_u64;
        // On a busy machine, CPU time grows slower than the clock: spin until it shows.
        while cpu_used_ms().unwrap() < before + 100 && started.elapsed().as_secs() < 20 {
            for _ in 0..1_000_000 {
                x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
            }
        }
        assert!(cpu_used_ms().unwrap() >= before + 100, "{x}");
    }

    #[test]
    fn a_child_answers_every_job_until_its_input_ends() {
        let job = |name: &str| {
            let messages = vec![ChatMessage {
                role: "user".into(),
                content: "Hi {{ name }}".into(),
            }];
            let variables = serde_json::json!({ "name": name });
            let variables = variables.as_object().cloned().unwrap();
            protocol::encode(&Job {
                messages,
                variables,
            })
            .unwrap()
        };
        let input = [
            job("Ada"),
            job("Bo"),
            protocol::encode(&Job {
                messages: vec![ChatMessage {
                    role: "user".into(),
                    content: "{{ missing }}".into(),
                }],
                variables: serde_json::Map::new(),
            })
            .unwrap(),
        ]
        .concat();
        let mut output = Vec::new();
        serve(&mut input.as_slice(), &mut output).unwrap();
        let mut frames = output.as_slice();
        let mut next = || {
            let body = protocol::read_blocking(&mut frames).unwrap().unwrap();
            serde_json::from_slice::<Frame>(&body).unwrap()
        };
        assert!(matches!(next(), Frame::Ready));
        for name in ["Ada", "Bo"] {
            match next() {
                Frame::Answer {
                    outcome: Ok(messages),
                    cpu_ms,
                } => {
                    assert_eq!(messages[0].content, format!("Hi {name}"));
                    assert!(cpu_ms.is_some());
                }
                _ => panic!("no answer for {name}"),
            }
        }
        assert!(matches!(
            next(),
            Frame::Answer {
                outcome: Err(templating::TemplateError::MissingVariables(_)),
                ..
            }
        ));
        assert!(protocol::read_blocking(&mut frames).unwrap().is_none());
    }
}
