//! The interpreter of the decision graph (`knowledge/decisions.rs`): it
//! walks the graph from its first node, tests each rule it reaches, writes
//! the rule to the trace with the facts it read, applies its effects, and
//! follows the branch taken, until the path ends. It walks the graph as
//! compiled when the guideline was built (`program.rs`): conditions as
//! clauses over bits of the facts and recommendations (`atoms.rs`).
//!
//! The engine holds no clinical knowledge: no branch, threshold, code or
//! text. What it knows is how to read a condition and apply an effect.

use crate::case::{Case, Facts};
use crate::evaluation::{Evaluation, Recommendation, Recommendations, TraceEntry};
use crate::knowledge::{Effect, Guideline, RuleId, END};
use crate::vocab::{Code, Field, Goal, Set, Strength, Urgency, WarningCode};
use atoms::{fact_bits, recommendation_bits, set_flag_bits, Bits};
pub(crate) use program::{compile, Op, Step, MAX_CLAUSES};

mod atoms;
#[cfg(test)]
mod codegen;
#[rustfmt::skip]
mod generated;
mod program;

/// Typical number of trace entries of an in-scope case (avoids regrowth).
const TRACE_CAPACITY: usize = 48;

/// Evaluates a validated case with `guideline`. Never fails and never
/// panics: every `Case` is valid by construction, and a path of the graph
/// visits each node at most once (a branch to no node ends it), so the walk
/// ends even on a graph that failed validation.
///
/// The trace is not written: [`Evaluation::trace`] walks the case again,
/// writing it, the first time it is asked for (the same walk gives the same
/// trace). Most callers of the typed API never read it, and writing it was
/// most of an evaluation's cost.
pub(crate) fn evaluate(guideline: &'static Guideline, case: &Case) -> Evaluation {
    let mut run = Run::new(guideline, case, false);
    run.walk_fastest();
    run.finish(case)
}

/// Like [`evaluate`], writing the trace as it goes (for callers that will
/// serialize the evaluation).
pub(crate) fn evaluate_traced(guideline: &'static Guideline, case: &Case) -> Evaluation {
    let mut run = Run::new(guideline, case, true);
    run.walk_fastest();
    run.finish(case)
}

/// The trace of `case`'s walk through `guideline`: every rule consulted, in
/// order, with the facts it read.
pub(crate) fn trace(guideline: &'static Guideline, case: &Case) -> Vec<TraceEntry> {
    let mut run = Run::new(guideline, case, true);
    run.walk_fastest();
    run.trace
}

/// What a walk can report as it goes: the branch taken at each node, and
/// each effect applied (at the node whose rule applied it). The pathway
/// diagram draws a case's path from these; plain evaluation records nothing.
pub(crate) trait Recorder {
    /// The walk left node `node` by branch `branch` (a rule: 0 yes, 1 no; a
    /// fork: the arm taken).
    fn step(&mut self, node: usize, branch: usize);
    /// The rule at `node` applied `effect`.
    fn effect(&mut self, node: usize, effect: &Effect);
}

impl Recorder for () {
    #[inline(always)]
    fn step(&mut self, _: usize, _: usize) {}
    #[inline(always)]
    fn effect(&mut self, _: usize, _: &Effect) {}
}

/// Like [`evaluate`], telling `recorder` the path taken and the effects.
/// Always walks the compiled graph (the interpreter), whatever the guideline.
pub(crate) fn evaluate_recorded(
    guideline: &'static Guideline,
    case: &Case,
    recorder: &mut impl Recorder,
) -> Evaluation {
    let mut run = Run::new(guideline, case, true);
    run.walk(recorder);
    run.finish(case)
}

/// Evaluates with the interpreter, even the built-in guideline (for the
/// tests that hold the generated walk equal to it).
#[cfg(test)]
pub(crate) fn evaluate_interpreted(guideline: &'static Guideline, case: &Case) -> Evaluation {
    evaluate_recorded(guideline, case, &mut ())
}

/// How a code was recommended (the slot of a code not recommended holds
/// no meaning).
#[derive(Debug, Clone, Copy)]
struct Slot {
    strength: Strength,
    urgency: Urgency,
    rule: RuleId,
}

impl Default for Slot {
    fn default() -> Self {
        Slot {
            strength: Strength::Option,
            urgency: Urgency::Elective,
            rule: RuleId::GoalCure,
        }
    }
}

/// The working state of one evaluation.
struct Run {
    guideline: &'static Guideline,
    facts: Facts,
    /// The atoms of `facts` (low word) and of `recs` (high word).
    bits: Bits,
    /// Whether rules are written to `trace`.
    tracing: bool,
    trace: Vec<TraceEntry>,
    /// The codes recommended so far.
    recommended: Set<Code>,
    /// For each code recommended (by code index): how and by which rule.
    recs: [Slot; Code::ALL.len()],
    missing: Set<Field>,
    warnings: Set<WarningCode>,
    goals: Set<Goal>,
    in_scope: bool,
}

impl Run {
    fn new(guideline: &'static Guideline, case: &Case, tracing: bool) -> Run {
        Run {
            guideline,
            facts: case.facts,
            bits: 0,
            tracing,
            trace: if tracing {
                Vec::with_capacity(TRACE_CAPACITY)
            } else {
                Vec::new()
            },
            recommended: Set::new(),
            recs: [Slot::default(); Code::ALL.len()],
            missing: Set::new(),
            warnings: Set::new(),
            goals: Set::new(),
            in_scope: true,
        }
    }

    fn finish(self, case: &Case) -> Evaluation {
        let disease_state = self.facts.disease_state();
        let guideline = self.guideline;
        let recs = &self.recs;
        let made = |code: Code| {
            let slot = recs.get(code.index()).copied().unwrap_or_default();
            Recommendation {
                guideline,
                code,
                strength: slot.strength,
                urgency: slot.urgency,
                rule: slot.rule,
            }
        };
        let recommendations = Recommendations::sorted(
            self.recommended.iter().map(made),
            self.recommended.len(),
            made(Code::UrgentSegmentalResection),
        );
        Evaluation {
            guideline: self.guideline,
            case: case.clone(),
            in_scope: self.in_scope,
            disease_state,
            goals: self.goals,
            recommendations,
            missing: self.missing,
            warnings: self.warnings,
            trace: if self.tracing {
                std::sync::OnceLock::from(self.trace)
            } else {
                std::sync::OnceLock::new()
            },
        }
    }

    /// Walks the graph the fastest way there is for its guideline: the
    /// built-in one by `generated.rs`, the same graph as straight-line code
    /// generated from the table (and held to it by a test); any other by the
    /// interpreter.
    fn walk_fastest(&mut self) {
        if std::ptr::eq(self.guideline, Guideline::builtin()) {
            generated::walk(self);
        } else {
            self.walk(&mut ());
        }
    }

    /// Walks the compiled graph from its first node to the end of the path.
    fn walk(&mut self, recorder: &mut impl Recorder) {
        let g = self.guideline;
        self.bits = fact_bits(&self.facts, g.threshold_values());
        let mut at = 0;
        // A path visits each node at most once in a valid (acyclic) graph;
        // the bound also ends the walk on an invalid one.
        for _ in 0..g.nodes.len() {
            let Some(op) = g.op(at) else {
                return;
            };
            let (branch, next) = match op {
                Op::Rule {
                    id,
                    when,
                    then,
                    yes,
                    no,
                } => {
                    let fired = when.holds(self.bits);
                    self.trace(*id, fired);
                    if fired {
                        self.apply(then, *id, at, recorder);
                        (0, *yes)
                    } else {
                        (1, *no)
                    }
                }
                Op::Fork { arms } => {
                    let bits = self.bits;
                    match arms.iter().position(|(when, _)| when.holds(bits)) {
                        Some(b) => (b, arms.get(b).map_or(END, |(_, to)| *to)),
                        None => return,
                    }
                }
            };
            recorder.step(at, branch);
            if next == END {
                return;
            }
            at = next;
        }
    }

    /// Applies `steps` in order, on behalf of `rule` (at node `at`).
    fn apply(&mut self, steps: &[Step], rule: RuleId, at: usize, recorder: &mut impl Recorder) {
        for step in steps {
            let effect = match step {
                Step::If(when, then) => {
                    if when.holds(self.bits) {
                        self.apply(then, rule, at, recorder);
                    }
                    continue;
                }
                Step::Do(effect) => effect,
            };
            recorder.effect(at, effect);
            match effect {
                Effect::Set { field, value } => self.set(*field, *value),
                Effect::OutOfScope => self.in_scope = false,
                Effect::Recommend {
                    code,
                    strength,
                    urgency,
                } => self.recommend(*code, *strength, *urgency, rule),
                Effect::Withdraw(code) => self.withdraw(*code),
                Effect::Missing(field) => self.missing.insert(*field),
                Effect::Warn(w) => self.warnings.insert(*w),
                Effect::Goal(goal) => self.goals.insert(*goal),
                // Compiled into `Step::If` (never reached as an effect).
                Effect::If { .. } => {}
            }
        }
    }

    /// Writes `rule` to the trace with the facts it read.
    #[inline(always)]
    fn trace(&mut self, rule: RuleId, fired: bool) {
        if !self.tracing {
            return;
        }
        self.trace.push(TraceEntry {
            guideline: self.guideline,
            rule,
            fired,
            facts: self.facts,
        });
    }

    /// Sets a flag fact (and its atoms).
    #[inline(always)]
    fn set(&mut self, field: Field, value: bool) {
        self.facts.set_flag(field, value);
        self.bits = set_flag_bits(self.bits, &self.facts, field);
    }

    /// Recommends `code` on behalf of `rule` (replacing an earlier one).
    #[inline(always)]
    fn recommend(&mut self, code: Code, strength: Strength, urgency: Urgency, rule: RuleId) {
        if let Some(slot) = self.recs.get_mut(code.index()) {
            *slot = Slot {
                strength,
                urgency,
                rule,
            };
            self.recommended.insert(code);
        }
        self.recommendations_changed();
    }

    /// Withdraws `code`'s recommendation, if any.
    #[inline(always)]
    fn withdraw(&mut self, code: Code) {
        self.recommended.remove(code);
        self.recommendations_changed();
    }

    fn recommendations_changed(&mut self) {
        let facts = self.bits & Bits::from(u64::MAX);
        let recs = &self.recs;
        let made = self.recommended.iter().map(|code| {
            let strength = recs
                .get(code.index())
                .map_or(Strength::Option, |s| s.strength);
            (code, strength)
        });
        self.bits = facts | recommendation_bits(made, self.guideline.categories());
    }
}
