//! Bounds on a template's size and nesting, checked on its tokens before it is parsed.
//!
//! minijinja's parser, code generator, variable finder and even the drop of its syntax tree
//! recurse once per level of the tree. Its own recursion guard covers brackets and statements
//! but not chains of unary operators (`- - - 1`), filters (`x|upper|upper…`), attribute and
//! call postfixes (`.a.a…`, `()()…`) or binary operators (`1+1+1…`), each of which adds a level:
//! a few kilobytes of such a chain overflow a thread's stack, which aborts the whole process.
//! So the template is first run through minijinja's own lexer (iterative, cannot overflow)
//! and an upper bound of the tree's depth is computed from the tokens; anything above the
//! limits is refused before the parser sees it.

use minijinja::machinery::{Token, WhitespaceConfig, tokenize};
use minijinja::syntax::SyntaxConfig;

/// Bytes a template may hold.
pub const MAX_TEMPLATE_BYTES: usize = 512 * 1024;
/// Characters in one line (minijinja counts columns in 16 bits; past them, a syntax error's
/// position overflows).
pub const MAX_LINE_CHARS: usize = 60_000;
/// Depth bound of one expression: operators on one path plus brackets.
pub const MAX_EXPRESSION_DEPTH: usize = 64;
/// Brackets (`(`, `[`, `{`) open at once within one expression.
pub const MAX_BRACKET_DEPTH: usize = 16;
/// Block tags (`{% if %}`, `{% for %}`, …) open at once.
pub const MAX_BLOCK_DEPTH: usize = 32;

/// Why a template was refused, and on which line (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitError {
    pub line: usize,
    pub detail: String,
}

/// One bracket level of an expression (the expression itself is the outermost).
#[derive(Default)]
struct Frame {
    /// Operators in the current item (items are separated by `,` and `:`).
    ops: usize,
    /// Deepest bracket closed within the current item.
    child: usize,
    /// Deepest finished item of this level.
    done: usize,
}

impl Frame {
    fn item_depth(&self) -> usize {
        self.ops + self.child
    }

    fn depth(&self) -> usize {
        self.done.max(self.item_depth())
    }

    fn next_item(&mut self) {
        self.done = self.depth();
        self.ops = 0;
        self.child = 0;
    }
}

/// The nesting bound of the expression in one `{{ }}` or `{% %}` block.
#[derive(Default)]
struct Expression {
    frames: Vec<Frame>,
    root: Frame,
    /// Whether an `=` appeared outside brackets (tells `{% set x = … %}` from `{% set x %}`).
    assigns: bool,
    /// The first word of a statement block.
    keyword: Option<String>,
}

impl Expression {
    fn top(&mut self) -> &mut Frame {
        self.frames.last_mut().unwrap_or(&mut self.root)
    }

    /// Upper bound of the depth so far, counting every open level as if it closed now.
    fn depth(&self) -> usize {
        let mut inner = 0;
        for frame in self.frames.iter().rev() {
            inner = frame.done.max(frame.ops + frame.child.max(inner)) + 1;
        }
        self.root
            .done
            .max(self.root.ops + self.root.child.max(inner))
    }
}

fn is_operator(token: &Token<'_>) -> bool {
    match token {
        Token::Plus
        | Token::Minus
        | Token::Mul
        | Token::Div
        | Token::FloorDiv
        | Token::Pow
        | Token::Mod
        | Token::Dot
        | Token::Tilde
        | Token::Pipe
        | Token::Eq
        | Token::Ne
        | Token::Gt
        | Token::Gte
        | Token::Lt
        | Token::Lte => true,
        Token::Ident(word) => matches!(
            *word,
            "not" | "and" | "or" | "is" | "in" | "if" | "else" | "recursive"
        ),
        _ => false,
    }
}

/// Block tags with a body, and the tags that end them.
fn opens_body(keyword: &str, assigns: bool) -> bool {
    match keyword {
        "if" | "for" | "with" | "macro" | "call" | "filter" | "autoescape" | "block" => true,
        "set" => !assigns,
        _ => false,
    }
}

/// Checks `source` against the limits; the error names the first line that exceeds one.
pub fn check(source: &str) -> Result<(), LimitError> {
    if source.len() > MAX_TEMPLATE_BYTES {
        return Err(LimitError {
            line: 1,
            detail: format!("the template is longer than {MAX_TEMPLATE_BYTES} bytes"),
        });
    }
    if let Some(index) = source
        .lines()
        .position(|line| line.len() > MAX_LINE_CHARS && line.chars().count() > MAX_LINE_CHARS)
    {
        return Err(LimitError {
            line: index + 1,
            detail: format!("a line is longer than {MAX_LINE_CHARS} characters"),
        });
    }
    let mut blocks = 0usize;
    let mut expression: Option<Expression> = None;
    let mut in_statement = false;
    let tokens = tokenize(source, false, SyntaxConfig, WhitespaceConfig::default());
    for item in tokens {
        let (token, span) = match item {
            Ok(item) => item,
            // The parser would stop at the same place with the same error.
            Err(error) => {
                return Err(LimitError {
                    line: error.line().unwrap_or(1),
                    detail: match error.detail() {
                        Some(detail) => format!("{}: {detail}", error.kind()),
                        None => error.kind().to_string(),
                    },
                });
            }
        };
        let line = usize::from(span.start_line);
        let refuse = |detail: String| Err(LimitError { line, detail });
        match token {
            Token::VariableStart | Token::BlockStart => {
                in_statement = matches!(token, Token::BlockStart);
                expression = Some(Expression::default());
            }
            Token::VariableEnd | Token::BlockEnd => {
                if let Some(done) = expression.take()
                    && in_statement
                    && let Some(keyword) = done.keyword
                {
                    if keyword.starts_with("end") {
                        blocks = blocks.saturating_sub(1);
                    } else if opens_body(&keyword, done.assigns) {
                        blocks += 1;
                        if blocks > MAX_BLOCK_DEPTH {
                            return refuse(format!(
                                "block tags are nested more than {MAX_BLOCK_DEPTH} deep"
                            ));
                        }
                    }
                }
            }
            Token::TemplateData(_) => {}
            token => {
                let Some(current) = expression.as_mut() else {
                    continue;
                };
                if current.keyword.is_none() {
                    current.keyword = Some(match token {
                        Token::Ident(word) => word.to_owned(),
                        _ => String::new(),
                    });
                    if in_statement {
                        continue;
                    }
                }
                match token {
                    Token::ParenOpen | Token::BracketOpen | Token::BraceOpen => {
                        // A bracket after an operand is a call or subscript: a level of its own.
                        current.top().ops += 1;
                        current.frames.push(Frame::default());
                        if current.frames.len() > MAX_BRACKET_DEPTH {
                            return refuse(format!(
                                "brackets are nested more than {MAX_BRACKET_DEPTH} deep"
                            ));
                        }
                    }
                    Token::ParenClose | Token::BracketClose | Token::BraceClose => {
                        if let Some(frame) = current.frames.pop() {
                            let depth = frame.depth() + 1;
                            let top = current.top();
                            top.child = top.child.max(depth);
                        }
                    }
                    Token::Comma | Token::Colon => current.top().next_item(),
                    Token::Assign => {
                        if current.frames.is_empty() {
                            current.assigns = true;
                        }
                        current.top().next_item();
                    }
                    token if is_operator(&token) => current.top().ops += 1,
                    _ => {}
                }
                if current.depth() > MAX_EXPRESSION_DEPTH {
                    return refuse(format!(
                        "the expression is nested more than {MAX_EXPRESSION_DEPTH} deep \
                         (operators, filters, attributes and brackets)"
                    ));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_templates_pass() {
        for source in [
            "Hello {{ name }}",
            "You are {{ persona | upper }}.",
            "{% for item in items %}- {{ item.name }} {{ suffix }}\n{% endfor %}{% if urgent %}!{% endif %}",
            "{% set x = [1, -2, -3, 4] %}{{ x | map('abs') | join(', ') }}",
            "{% set body %}text{% endset %}{{ body | trim }}",
            "{{ a if b else c }} {{ (a + b) * c - d / e }} {{ d['k'].v[0:2] }}",
            "{% macro m(a, b=1) %}{{ a ~ b }}{% endmacro %}{{ m(1) }}",
            "{% raw %}{{ - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - 1 }}{% endraw %}",
            "{# {{ ((((((((((((((((((((((((((( }} #} plain text ------ ((((((((((",
        ] {
            assert_eq!(check(source), Ok(()), "{source}");
        }
        // Long flat lists are wide, not deep.
        let list = format!("{{{{ [{}] | length }}}}", vec!["-1"; 5000].join(", "));
        assert_eq!(check(&list), Ok(()));
        // Siblings in sequence are not nested.
        let many = "{% if a %}x{% endif %}".repeat(1000);
        assert_eq!(check(&many), Ok(()));
    }

    #[test]
    fn deep_templates_are_refused() {
        let cases = [
            format!("{{{{ {}1 }}}}", "-".repeat(6000)),
            // Split over lines: a deep chain need not be a long line.
            format!("{{{{ x{} }}}}", "|upper\n".repeat(15000)),
            format!("{{{{ x{} }}}}", ".a\n".repeat(45000)),
            format!("{{{{ x{} }}}}", "()\n".repeat(45000)),
            format!("{{{{ {}x }}}}", "not\n".repeat(20000)),
            format!("{{{{ {}1 }}}}", "1 +\n".repeat(20000)),
            format!("{{{{ {}1{} }}}}", "(".repeat(500), ")".repeat(500)),
            format!("{}x{}", "{% if a %}".repeat(500), "{% endif %}".repeat(500)),
            format!("{{{{ x{} }}}}", "[0]".repeat(5000)),
        ];
        for source in cases {
            let error = check(&source).unwrap_err();
            assert!(error.detail.contains("nested"), "{error:?}");
        }
        let long = "x".repeat(MAX_TEMPLATE_BYTES + 1);
        assert!(check(&long).unwrap_err().detail.contains("longer"));
        let wide = format!("ok\n{}", "x".repeat(MAX_LINE_CHARS + 1));
        assert_eq!(check(&wide).unwrap_err().line, 2);
    }
}
