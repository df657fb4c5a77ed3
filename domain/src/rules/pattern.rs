//! The regular expressions of libphonenumber's metadata and Google's postal-code data, matched
//! with Python's `re` semantics (leftmost-first alternation, greedy quantifiers, backtracking).
//!
//! Why not the `regex` crate: it adds hundreds of KB to the WASM and matches leftmost-longest
//! in places where libphonenumber relies on the first alternative that matches (national
//! prefixes with capture groups). The data uses a small, fixed syntax over digits, capital
//! letters, space and hyphen: literals, `\d`, classes with ranges, `(?:…)`, `(…)`, `|`, `?`,
//! `*`, `+`, `{n}`, `{n,}`, `{n,m}` and `$`. Anything else is refused when the tables load, so
//! a change in the upstream syntax fails the tests instead of matching wrongly.

/// Index of a character in the alphabet the data uses, or `None` for any other character.
fn symbol(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some(u32::from(c - b'0')),
        b'A'..=b'Z' => Some(10 + u32::from(c - b'A')),
        b' ' => Some(36),
        b'-' => Some(37),
        _ => None,
    }
}

/// Phone numbers and postal codes are short; longer input never matches, which also bounds
/// the matcher's recursion (one level per character).
const MAX_INPUT: usize = 64;

const DIGITS: u64 = (1 << 10) - 1;
const ALL: u64 = (1 << 38) - 1;

#[derive(Debug, Clone)]
enum Node {
    /// One character out of a set (bit `symbol(c)`).
    Class(u64),
    Group {
        capture: Option<usize>,
        alternatives: Vec<Vec<Node>>,
    },
    Repeat {
        node: Box<Node>,
        min: u32,
        max: u32,
    },
    End,
}

#[derive(Debug, Clone)]
pub struct Pattern {
    alternatives: Vec<Vec<Node>>,
    groups: usize,
}

/// Where a prefix match ended and what its groups captured (byte ranges of the input).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    pub end: usize,
    pub groups: Vec<Option<(usize, usize)>>,
}

type Captures = Vec<Option<(usize, usize)>>;

impl Pattern {
    pub fn parse(source: &str) -> Result<Pattern, String> {
        let mut parser = Parser {
            s: source.as_bytes(),
            i: 0,
            groups: 0,
        };
        let alternatives = parser.alternatives()?;
        if parser.i != parser.s.len() {
            return Err(format!("unexpected `)` at {} in {source}", parser.i));
        }
        Ok(Pattern {
            alternatives,
            groups: parser.groups,
        })
    }

    /// The whole of `input` matches (Python's `re.fullmatch`).
    pub fn full_match(&self, input: &str) -> bool {
        let s = input.as_bytes();
        if s.len() > MAX_INPUT {
            return false;
        }
        let mut caps = vec![None; self.groups];
        alternatives(&self.alternatives, s, 0, &mut caps, &mut |p, _| p == s.len())
    }

    /// A match anchored at the start of `input`, the one Python's `re.match` finds.
    pub fn prefix_match(&self, input: &str) -> Option<Match> {
        let s = input.as_bytes();
        if s.len() > MAX_INPUT {
            return None;
        }
        let mut caps = vec![None; self.groups];
        let mut found = None;
        alternatives(&self.alternatives, s, 0, &mut caps, &mut |p, c| {
            found = Some(Match {
                end: p,
                groups: c.clone(),
            });
            true
        });
        found
    }

    pub fn group_count(&self) -> usize {
        self.groups
    }
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    groups: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn alternatives(&mut self) -> Result<Vec<Vec<Node>>, String> {
        let mut alts = vec![self.sequence()?];
        while self.peek() == Some(b'|') {
            self.i += 1;
            alts.push(self.sequence()?);
        }
        Ok(alts)
    }

    fn sequence(&mut self) -> Result<Vec<Node>, String> {
        let mut seq = Vec::new();
        while let Some(c) = self.peek() {
            let atom = match c {
                b'|' | b')' => break,
                b'(' => {
                    self.i += 1;
                    let capture = if self.s[self.i..].starts_with(b"?:") {
                        self.i += 2;
                        None
                    } else {
                        self.groups += 1;
                        Some(self.groups - 1)
                    };
                    let alternatives = self.alternatives()?;
                    if self.peek() != Some(b')') {
                        return Err("unclosed group".into());
                    }
                    self.i += 1;
                    Node::Group { capture, alternatives }
                }
                b'[' => {
                    self.i += 1;
                    Node::Class(self.class()?)
                }
                b'$' => {
                    self.i += 1;
                    Node::End
                }
                _ => Node::Class(self.single()?),
            };
            seq.push(self.quantified(atom)?);
        }
        Ok(seq)
    }

    /// A literal or `\d`, as a set.
    fn single(&mut self) -> Result<u64, String> {
        let c = self.peek().ok_or("unexpected end")?;
        self.i += 1;
        if c == b'\\' {
            let e = self.peek().ok_or("dangling backslash")?;
            self.i += 1;
            return match e {
                b'd' => Ok(DIGITS),
                b'-' | b' ' => Ok(1 << symbol(e).unwrap_or(0)),
                _ => Err(format!("unsupported escape \\{}", e as char)),
            };
        }
        symbol(c)
            .map(|b| 1 << b)
            .ok_or_else(|| format!("unsupported character `{}`", c as char))
    }

    fn class(&mut self) -> Result<u64, String> {
        let negated = self.peek() == Some(b'^');
        if negated {
            self.i += 1;
        }
        let mut set = 0u64;
        while self.peek() != Some(b']') {
            let start = self.peek().ok_or("unclosed class")?;
            let first = self.single()?;
            let is_range = self.peek() == Some(b'-') && self.s.get(self.i + 1).is_some_and(|c| *c != b']');
            if is_range && start != b'\\' {
                self.i += 1;
                let end = self.peek().ok_or("unclosed class")?;
                self.i += 1;
                let (a, b) = (symbol(start), symbol(end));
                let (Some(a), Some(b)) = (a, b) else {
                    return Err("bad range".into());
                };
                for x in a..=b {
                    set |= 1 << x;
                }
            } else {
                set |= first;
            }
        }
        self.i += 1;
        Ok(if negated { ALL & !set } else { set })
    }

    fn number(&mut self) -> Option<u32> {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        std::str::from_utf8(&self.s[start..self.i]).ok()?.parse().ok()
    }

    fn quantified(&mut self, atom: Node) -> Result<Node, String> {
        let (min, max) = match self.peek() {
            Some(b'?') => (0, 1),
            Some(b'*') => (0, u32::MAX),
            Some(b'+') => (1, u32::MAX),
            Some(b'{') => {
                self.i += 1;
                let min = self.number().ok_or("bad repeat")?;
                let max = if self.peek() == Some(b',') {
                    self.i += 1;
                    self.number().unwrap_or(u32::MAX)
                } else {
                    min
                };
                if self.peek() != Some(b'}') {
                    return Err("bad repeat".into());
                }
                (min, max)
            }
            _ => return Ok(atom),
        };
        self.i += 1;
        if self.peek() == Some(b'?') || self.peek() == Some(b'+') {
            return Err("lazy and possessive quantifiers are not used by the data".into());
        }
        Ok(Node::Repeat {
            node: Box::new(atom),
            min,
            max,
        })
    }
}

type Next<'k> = &'k mut dyn FnMut(usize, &mut Captures) -> bool;

fn alternatives(alts: &[Vec<Node>], s: &[u8], pos: usize, caps: &mut Captures, k: Next) -> bool {
    for alt in alts {
        let saved = caps.clone();
        if sequence(alt, s, pos, caps, k) {
            return true;
        }
        *caps = saved;
    }
    false
}

fn sequence(seq: &[Node], s: &[u8], pos: usize, caps: &mut Captures, k: Next) -> bool {
    let Some((node, rest)) = seq.split_first() else {
        return k(pos, caps);
    };
    one(node, s, pos, caps, &mut |p, c| sequence(rest, s, p, c, k))
}

fn one(node: &Node, s: &[u8], pos: usize, caps: &mut Captures, k: Next) -> bool {
    match node {
        Node::Class(set) => {
            let hit = s.get(pos).and_then(|c| symbol(*c)).is_some_and(|b| set & (1 << b) != 0);
            hit && k(pos + 1, caps)
        }
        Node::End => pos == s.len() && k(pos, caps),
        Node::Group {
            capture,
            alternatives: alts,
        } => alternatives(alts, s, pos, caps, &mut |p, c| {
            let before = capture.map(|g| c[g]);
            if let Some(g) = capture {
                c[*g] = Some((pos, p));
            }
            if k(p, c) {
                return true;
            }
            if let (Some(g), Some(b)) = (capture, before) {
                c[*g] = b;
            }
            false
        }),
        Node::Repeat { node, min, max } => repeat(node, *min, *max, 0, s, pos, caps, k),
    }
}

/// Greedy: one more repetition first, then stop once `min` is reached. A repetition that
/// consumed nothing ends the loop, as in Python.
#[allow(clippy::too_many_arguments)]
fn repeat(node: &Node, min: u32, max: u32, count: u32, s: &[u8], pos: usize, caps: &mut Captures, k: Next) -> bool {
    if count < max {
        let more = one(node, s, pos, caps, &mut |p, c| {
            (p != pos || count < min) && repeat(node, min, max, count + 1, s, p, c, k)
        });
        if more {
            return true;
        }
    }
    count >= min && k(pos, caps)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full(p: &str, s: &str) -> bool {
        Pattern::parse(p).unwrap().full_match(s)
    }

    #[test]
    fn matches_like_python() {
        assert!(full(r"\d{5}", "12345"));
        assert!(!full(r"\d{5}", "1234"));
        assert!(full(r"[2-9]\d{2}|1[0-2]", "11"));
        assert!(full(r"(?:1[0-2]|[1-9])\d{2}", "1234"));
        assert!(full(r"[\dA-Z]{3} ?[\dA-Z]{4}", "A65 F4E2"));
        assert!(full(r"[\dA-Z]{3} ?[\dA-Z]{4}", "A65F4E2"));
        assert!(full(r"\d{4}(?:-\d{3})?", "1000-001"));
        assert!(!full(r"[^5]\d", "51"));
        assert!(full(r"49(?:[34]0|69|8\d)\d\d?", "49401"));
        assert!(full(r"\d{2,}", "12345"));
        assert!(!full(r"\d+", ""));
    }

    #[test]
    fn prefix_match_takes_the_first_alternative_and_captures() {
        // Argentina's national prefix: the optional 0, then a captured area code before 15.
        let p = Pattern::parse(r"0?(?:(11|2(?:2(?:02?|[13]))|3)15)?").unwrap();
        let m = p.prefix_match("01115123456").unwrap();
        assert_eq!(m.end, 5);
        assert_eq!(m.groups, vec![Some((1, 3))]);
        let m = p.prefix_match("0351234").unwrap();
        assert_eq!((m.end, m.groups[0]), (1, None));
        assert_eq!(Pattern::parse("0|00").unwrap().prefix_match("00").unwrap().end, 1);
        assert!(Pattern::parse("1").unwrap().prefix_match("2").is_none());
    }

    #[test]
    fn refuses_syntax_it_does_not_know() {
        for bad in [r"\w", "a", "(?=1)", "[1", "(1", "1)", r"\d+?"] {
            assert!(Pattern::parse(bad).is_err(), "{bad}");
        }
    }
}
