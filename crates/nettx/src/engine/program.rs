//! The decision graph compiled for the engine: every condition in
//! conjunctive normal form over the atoms of `atoms.rs`, every effect with
//! its compiled guard, every branch as a node index. Built once per
//! guideline; the engine walks only this.

use super::atoms::{atoms, Bits};
use crate::knowledge::{Cond, Effect, Node, RuleId};

/// A clause: it holds when some atom of `pos` holds or some atom of `neg`
/// does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Clause {
    pub(super) pos: Bits,
    pub(super) neg: Bits,
}

/// A condition as clauses, all of which must hold (none: always holds).
/// Clauses of one atom are folded into two masks, tested at once: every
/// atom of `required` must hold and none of `forbidden`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Cnf {
    pub(super) required: Bits,
    pub(super) forbidden: Bits,
    pub(super) rest: Box<[Clause]>,
}

/// Most clauses a compiled condition may have; a larger one (only possible
/// in a table read from JSON) is refused by validation.
pub(crate) const MAX_CLAUSES: usize = 256;

impl Cnf {
    /// Whether the condition holds for these atoms.
    #[inline]
    pub(crate) fn holds(&self, bits: Bits) -> bool {
        bits & self.required == self.required
            && bits & self.forbidden == 0
            && self
                .rest
                .iter()
                .all(|c| bits & c.pos != 0 || !bits & c.neg != 0)
    }

    /// Compiles `cond` (its negation with `negate`); `None` when it would
    /// need more than [`MAX_CLAUSES`] clauses.
    pub(crate) fn compile(cond: &Cond, negate: bool) -> Option<Cnf> {
        let mut cnf = Cnf::default();
        let mut rest = Vec::new();
        for c in clauses(cond, negate)? {
            match (c.pos.count_ones(), c.neg.count_ones()) {
                (1, 0) => cnf.required |= c.pos,
                (0, 1) => cnf.forbidden |= c.neg,
                _ => rest.push(c),
            }
        }
        cnf.rest = rest.into_boxed_slice();
        Some(cnf)
    }
}

/// The clauses of `cond`, or of its negation.
fn clauses(cond: &Cond, negate: bool) -> Option<Vec<Clause>> {
    const TRUE: Vec<Clause> = Vec::new();
    let false_ = || vec![Clause { pos: 0, neg: 0 }];
    let out = match (cond, negate) {
        (Cond::Always, false) => TRUE,
        (Cond::Always, true) => false_(),
        (Cond::All(list), false) | (Cond::NoneOf(list), true) => all(list, false)?,
        (Cond::Any(list), true) | (Cond::NoneOf(list), false) => all(list, true)?,
        (Cond::Any(list), false) => any(list, false)?,
        (Cond::All(list), true) => any(list, true)?,
        (atomic, false) => vec![Clause {
            pos: atoms(atomic).unwrap_or(0),
            neg: 0,
        }],
        // Not (a or b or …) = (not a) and (not b) and ….
        (atomic, true) => {
            let set = atoms(atomic).unwrap_or(0);
            (0..Bits::BITS)
                .filter(|b| set & (1 << b) != 0)
                .map(|b| Clause {
                    pos: 0,
                    neg: 1 << b,
                })
                .collect()
        }
    };
    (out.len() <= MAX_CLAUSES).then_some(out)
}

/// Every condition of `list` (each negated with `negate`).
fn all(list: &[Cond], negate: bool) -> Option<Vec<Clause>> {
    let mut out = Vec::new();
    for c in list {
        out.extend(clauses(c, negate)?);
        if out.len() > MAX_CLAUSES {
            return None;
        }
    }
    Some(out)
}

/// Some condition of `list` (each negated with `negate`): the product of
/// their clauses.
fn any(list: &[Cond], negate: bool) -> Option<Vec<Clause>> {
    // The empty disjunction is false: one empty clause.
    let mut acc = vec![Clause { pos: 0, neg: 0 }];
    for c in list {
        let next = clauses(c, negate)?;
        let mut product = Vec::with_capacity(acc.len() * next.len());
        for a in &acc {
            for b in &next {
                let clause = Clause {
                    pos: a.pos | b.pos,
                    neg: a.neg | b.neg,
                };
                // `x or not x` always holds: drop the clause.
                if clause.pos & clause.neg == 0 && !product.contains(&clause) {
                    product.push(clause);
                }
            }
        }
        if product.len() > MAX_CLAUSES {
            return None;
        }
        acc = product;
    }
    Some(acc)
}

/// An effect, compiled.
#[derive(Debug, Clone)]
pub(crate) enum Step {
    /// Any effect but a guarded one, applied as it stands.
    Do(Effect),
    /// Effects applied when a condition holds.
    If(Cnf, Box<[Step]>),
}

/// A node, compiled.
#[derive(Debug, Clone)]
pub(crate) enum Op {
    /// A rule: test, trace, apply, branch.
    Rule {
        id: RuleId,
        when: Cnf,
        then: Box<[Step]>,
        yes: usize,
        no: usize,
    },
    /// A fork: the first arm that holds.
    Fork { arms: Box<[(Cnf, usize)]> },
}

/// Compiles the effects of a rule; `None` if a guard is too large.
fn steps(effects: &[Effect]) -> Option<Box<[Step]>> {
    effects
        .iter()
        .map(|e| match e {
            Effect::If { when, then } => Some(Step::If(Cnf::compile(when, false)?, steps(then)?)),
            other => Some(Step::Do(other.clone())),
        })
        .collect()
}

/// Compiles `node` with its branches resolved to `edges`; `None` if a
/// condition is too large.
pub(crate) fn compile(node: &Node, edges: &[usize]) -> Option<Op> {
    let end = crate::knowledge::END;
    Some(match node {
        Node::Rule(r) => Op::Rule {
            id: r.id,
            when: Cnf::compile(&r.when, false)?,
            then: steps(&r.then)?,
            yes: edges.first().copied().unwrap_or(end),
            no: edges.get(1).copied().unwrap_or(end),
        },
        Node::Fork(f) => Op::Fork {
            arms: f
                .arms
                .iter()
                .zip(edges)
                .map(|(a, to)| Some((Cnf::compile(&a.when, false)?, *to)))
                .collect::<Option<_>>()?,
        },
    })
}

#[cfg(test)]
#[allow(clippy::panic, reason = "a failed test panics")]
mod tests {
    use super::*;
    use crate::knowledge::Guideline;

    /// The meaning of a condition, read from its tree over the same atoms.
    fn reference(cond: &Cond, bits: Bits) -> bool {
        match cond {
            Cond::Always => true,
            Cond::All(list) => list.iter().all(|c| reference(c, bits)),
            Cond::Any(list) => list.iter().any(|c| reference(c, bits)),
            Cond::NoneOf(list) => !list.iter().any(|c| reference(c, bits)),
            atomic => bits & atoms(atomic).unwrap_or(0) != 0,
        }
    }

    fn every_condition(effects: &[Effect], out: &mut Vec<Cond>) {
        for e in effects {
            if let Effect::If { when, then } = e {
                out.push(when.clone());
                every_condition(then, out);
            }
        }
    }

    /// Every condition of the built-in graph, compiled and negated, agrees
    /// with its tree on random atoms (and on none and all of them).
    #[test]
    fn compiled_conditions_mean_what_their_trees_mean() {
        let mut conds = Vec::new();
        for node in Guideline::builtin().nodes.iter() {
            match node {
                Node::Rule(r) => {
                    conds.push(r.when.clone());
                    every_condition(&r.then, &mut conds);
                }
                Node::Fork(f) => conds.extend(f.arms.iter().map(|a| a.when.clone())),
            }
        }
        assert!(conds.len() > 60);
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for cond in &conds {
            let (Some(yes), Some(no)) = (Cnf::compile(cond, false), Cnf::compile(cond, true))
            else {
                panic!("{cond:?} does not compile");
            };
            let mut samples = vec![0, Bits::MAX];
            samples.extend((0..4000).map(|_| Bits::from(next()) << 64 | Bits::from(next())));
            for bits in samples {
                assert_eq!(
                    yes.holds(bits),
                    reference(cond, bits),
                    "{cond:?} at {bits:#x}"
                );
                assert_eq!(
                    no.holds(bits),
                    !reference(cond, bits),
                    "not {cond:?} at {bits:#x}"
                );
            }
        }
    }

    #[test]
    fn a_condition_too_large_to_compile_is_refused() {
        // (a1 or b1) and … and (a9 or b9), negated: 2^9 = 512 clauses.
        let pair = |code: &crate::vocab::Code| {
            Cond::Any(std::borrow::Cow::Owned(vec![
                Cond::Recommended(*code),
                Cond::RecommendedAs {
                    code: *code,
                    strength: crate::vocab::Strength::Option,
                },
            ]))
        };
        let codes = crate::vocab::Code::ALL.iter().take(9);
        let big = Cond::All(std::borrow::Cow::Owned(codes.map(pair).collect()));
        assert!(Cnf::compile(&big, false).is_some());
        assert!(Cnf::compile(&big, true).is_none());
    }
}
