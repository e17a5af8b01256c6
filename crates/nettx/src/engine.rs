//! The interpreter of the decision graph (`knowledge/decisions.rs`): it
//! walks the graph from its first node, tests each rule it reaches, writes
//! the rule to the trace with the facts it read, applies its effects, and
//! follows the branch taken, until the path ends.
//!
//! The engine holds no clinical knowledge: no branch, threshold, code or
//! text. What it knows is how to read a condition and apply an effect.

use crate::case::{Case, Facts};
use crate::evaluation::{Evaluation, Recommendation, TraceEntry};
use crate::knowledge::{Cond, Effect, Guideline, Node, RuleId, END};
use crate::vocab::{Code, DiseaseState, Field, Goal, Set, WarningCode};

/// Typical number of trace entries of an in-scope case (avoids regrowth).
const TRACE_CAPACITY: usize = 48;

/// Evaluates a validated case with `guideline`. Never fails and never
/// panics: every `Case` is valid by construction, and a path of the graph
/// visits each node at most once (a branch to no node ends it), so the walk
/// ends even on a graph that failed validation.
pub(crate) fn evaluate(guideline: &'static Guideline, case: &Case) -> Evaluation {
    evaluate_recorded(guideline, case, &mut ())
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
pub(crate) fn evaluate_recorded(
    guideline: &'static Guideline,
    case: &Case,
    recorder: &mut impl Recorder,
) -> Evaluation {
    let mut run = Run {
        guideline,
        facts: case.facts,
        trace: Vec::with_capacity(TRACE_CAPACITY),
        recs: [None; Code::ALL.len()],
        missing: Set::new(),
        warnings: Set::new(),
        goals: Set::new(),
        in_scope: true,
    };
    run.walk(recorder);
    let disease_state = state(&run.facts);
    let mut recommendations: Vec<Recommendation> = run.recs.iter().flatten().copied().collect();
    recommendations.sort_by_key(|r| (r.urgency, r.strength, r.code));
    Evaluation {
        guideline,
        case: case.clone(),
        in_scope: run.in_scope,
        disease_state,
        goals: run.goals,
        recommendations,
        missing: run.missing,
        warnings: run.warnings,
        trace: run.trace,
    }
}

/// The disease state the facts give.
fn state(facts: &Facts) -> DiseaseState {
    match facts.metastatic {
        Some(true) => DiseaseState::Metastatic,
        Some(false) => DiseaseState::Localized,
        None => DiseaseState::Undetermined,
    }
}

/// The working state of one evaluation.
struct Run {
    guideline: &'static Guideline,
    facts: Facts,
    trace: Vec<TraceEntry>,
    /// At most one recommendation per code, indexed by code.
    recs: [Option<Recommendation>; Code::ALL.len()],
    missing: Set<Field>,
    warnings: Set<WarningCode>,
    goals: Set<Goal>,
    in_scope: bool,
}

impl Run {
    /// Walks the graph from its first node to the end of the path.
    fn walk(&mut self, recorder: &mut impl Recorder) {
        let g = self.guideline;
        let mut at = 0;
        // A path visits each node at most once in a valid (acyclic) graph;
        // the bound also ends the walk on an invalid one.
        for _ in 0..g.nodes.len() {
            let Some(node) = g.node(at) else {
                return;
            };
            let branch = match node {
                Node::Rule(rule) => {
                    let fired = self.holds(&rule.when);
                    self.trace.push(TraceEntry {
                        guideline: g,
                        rule: rule.id,
                        fired,
                        facts: self.facts,
                    });
                    if fired {
                        self.apply(&rule.then, rule.id, at, recorder);
                        0
                    } else {
                        1
                    }
                }
                Node::Fork(fork) => fork
                    .arms
                    .iter()
                    .position(|arm| self.holds(&arm.when))
                    .unwrap_or(usize::MAX),
            };
            recorder.step(at, branch);
            match g.edges(at).get(branch) {
                Some(&next) if next != END => at = next,
                _ => return,
            }
        }
    }

    /// Whether `cond` holds now. A test of a fact is false while the fact is
    /// unknown; only [`Cond::Unknown`] holds then.
    fn holds(&self, cond: &Cond) -> bool {
        let f = &self.facts;
        match cond {
            Cond::Always => true,
            Cond::Unknown(field) => f.is_unknown(*field),
            Cond::Is { field, value } => f.flag(*field) == Some(*value),
            Cond::SiteIn(sites) => sites.contains(&f.site),
            Cond::HistologyIs(h) => f.histology == Some(*h),
            Cond::SsaResponseIn(responses) => {
                f.ssa_response.is_some_and(|r| responses.contains(&r))
            }
            Cond::SizeAtMost(t) => f.size_cm.is_some_and(|s| s <= self.guideline.threshold(*t)),
            Cond::SizeOver(t) => f.size_cm.is_some_and(|s| s > self.guideline.threshold(*t)),
            Cond::AnyComplication => !f.complications.is_empty(),
            Cond::HasComplication(c) => f.complications.contains(*c),
            Cond::DiseaseState(s) => state(f) == *s,
            Cond::Recommended(code) => self.recommended(*code).is_some(),
            Cond::RecommendedAs { code, strength } => self
                .recommended(*code)
                .is_some_and(|r| r.strength == *strength),
            Cond::CategoryRecommended(c) => self.recs.iter().flatten().any(|r| r.category() == *c),
            Cond::StrengthRecommended(s) => self.recs.iter().flatten().any(|r| r.strength == *s),
            Cond::All(list) => list.iter().all(|c| self.holds(c)),
            Cond::Any(list) => list.iter().any(|c| self.holds(c)),
            Cond::NoneOf(list) => !list.iter().any(|c| self.holds(c)),
        }
    }

    /// Applies `effects` in order, on behalf of `rule` (at node `at`).
    fn apply(&mut self, effects: &[Effect], rule: RuleId, at: usize, recorder: &mut impl Recorder) {
        for effect in effects {
            if !matches!(effect, Effect::If { .. }) {
                recorder.effect(at, effect);
            }
            match effect {
                Effect::Set { field, value } => self.facts.set_flag(*field, *value),
                Effect::OutOfScope => self.in_scope = false,
                Effect::Recommend {
                    code,
                    strength,
                    urgency,
                } => {
                    if let Some(slot) = self.recs.get_mut(code.index()) {
                        *slot = Some(Recommendation {
                            guideline: self.guideline,
                            code: *code,
                            strength: *strength,
                            urgency: *urgency,
                            rule,
                        });
                    }
                }
                Effect::Withdraw(code) => {
                    if let Some(slot) = self.recs.get_mut(code.index()) {
                        *slot = None;
                    }
                }
                Effect::Missing(field) => self.missing.insert(*field),
                Effect::Warn(w) => self.warnings.insert(*w),
                Effect::Goal(goal) => self.goals.insert(*goal),
                Effect::If { when, then } => {
                    if self.holds(when) {
                        self.apply(then, rule, at, recorder);
                    }
                }
            }
        }
    }

    fn recommended(&self, code: Code) -> Option<&Recommendation> {
        self.recs.get(code.index()).and_then(Option::as_ref)
    }
}
