//! The pathway diagram: the guideline's decision graph drawn as SVG, DOT
//! (Graphviz) or Mermaid, alone, with one case's path highlighted, or with a
//! cohort's counts on every edge.
//!
//! A [`Pathway`] is the graph plus what happened on it: for each node how
//! many cases reached it, for each branch how many took it, and what each
//! node did (recommendations, warnings, missing data). The drawing reads
//! nothing else, so the highlighted path is the trace: the rules on it are
//! exactly the rules the evaluation consulted, in the same order.
//!
//! ```
//! use nettx::{pathway::{Pathway, PathwayFormat}, Case, Site};
//! let case = Case::builder(Site::Ileum).metastatic(false).build()?;
//! let evaluation = nettx::evaluate(&case);
//! let svg = Pathway::of(&evaluation).render(PathwayFormat::Svg)?;
//! assert!(svg.starts_with("<svg"));
//! # Ok::<(), nettx::Error>(())
//! ```

mod dot;
mod label;
mod mermaid;
mod svg;

use crate::engine::{evaluate_recorded, Recorder};
use crate::error::Error;
use crate::evaluation::Evaluation;
use crate::knowledge::{Effect, Guideline, Node, END};
use crate::vocab::{vocabulary, Code, Field, Strength, Urgency, WarningCode};

vocabulary! {
    /// A drawing format of the pathway.
    pub enum PathwayFormat {
        /// Scalable vector graphics, laid out in pure Rust.
        Svg = "svg",
        /// Graphviz DOT text.
        Dot = "dot",
        /// Mermaid flowchart text.
        Mermaid = "mermaid",
    }
}

/// Something a node did for the cases drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mark {
    /// Recommended a code with a strength and urgency.
    Recommended(Code, Strength, Urgency),
    /// Withdrew an earlier recommendation.
    Withdrew(Code),
    /// Reported a field missing.
    Missing(Field),
    /// Raised a warning.
    Warned(WarningCode),
}

/// The decision graph with what the cases drawn did on it.
#[derive(Debug, Clone)]
pub struct Pathway<'g> {
    guideline: &'g Guideline,
    cases: u64,
    /// Per node: how many cases reached it.
    visits: Vec<u64>,
    /// Per node, per branch: how many cases took it.
    taken: Vec<Vec<u64>>,
    /// Per node: what it did, with how many cases (sorted).
    marks: Vec<Vec<(Mark, u64)>>,
}

/// Collects one walk.
struct Walk {
    steps: Vec<(usize, usize)>,
    marks: Vec<(usize, Mark)>,
}

impl Recorder for Walk {
    fn step(&mut self, node: usize, branch: usize) {
        self.steps.push((node, branch));
    }

    fn effect(&mut self, node: usize, effect: &Effect) {
        if let Some(mark) = Mark::of(effect) {
            self.marks.push((node, mark));
        }
    }
}

impl Mark {
    /// The mark an effect leaves on its node (none for inferences, goals,
    /// the scope, and the guards themselves).
    pub(crate) fn of(effect: &Effect) -> Option<Mark> {
        Some(match effect {
            Effect::Recommend {
                code,
                strength,
                urgency,
            } => Mark::Recommended(*code, *strength, *urgency),
            Effect::Withdraw(code) => Mark::Withdrew(*code),
            Effect::Missing(field) => Mark::Missing(*field),
            Effect::Warn(w) => Mark::Warned(*w),
            Effect::Set { .. } | Effect::OutOfScope | Effect::Goal(_) | Effect::If { .. } => {
                return None
            }
        })
    }
}

impl<'g> Pathway<'g> {
    /// The guideline's graph with no case on it.
    pub fn new(guideline: &'g Guideline) -> Pathway<'g> {
        let taken = guideline
            .nodes
            .iter()
            .enumerate()
            .map(|(i, _)| vec![0; guideline.edges(i).len()])
            .collect();
        Pathway {
            guideline,
            cases: 0,
            visits: vec![0; guideline.nodes.len()],
            taken,
            marks: vec![Vec::new(); guideline.nodes.len()],
        }
    }

    /// Adds the path of one evaluation (made with this pathway's guideline,
    /// else it is refused with an error naming both digests).
    pub fn add(&mut self, evaluation: &Evaluation) -> Result<(), Error> {
        let guideline = evaluation.guideline();
        if guideline != self.guideline {
            return Err(Error::parse(format!(
                "the evaluation was made with guideline {} {} (digest {}), not with the one drawn ({} {}, digest {})",
                guideline.id,
                guideline.version,
                guideline.digest(),
                self.guideline.id,
                self.guideline.version,
                self.guideline.digest()
            )));
        }
        let mut walk = Walk {
            steps: Vec::with_capacity(64),
            marks: Vec::new(),
        };
        evaluate_recorded(guideline, evaluation.case(), &mut walk);
        self.cases += 1;
        for (node, branch) in walk.steps {
            if let Some(v) = self.visits.get_mut(node) {
                *v += 1;
            }
            if let Some(t) = self.taken.get_mut(node).and_then(|b| b.get_mut(branch)) {
                *t += 1;
            }
        }
        for (node, mark) in walk.marks {
            if let Some(marks) = self.marks.get_mut(node) {
                match marks.iter_mut().find(|(m, _)| *m == mark) {
                    Some((_, n)) => *n += 1,
                    None => {
                        marks.push((mark, 1));
                        marks.sort();
                    }
                }
            }
        }
        Ok(())
    }

    /// Adds the path of an evaluation given as its JSON document (as a data
    /// frame of results holds it), rebuilt from its trace: the rules it
    /// consulted, in order, each left by `yes` or `no`, and the branch points
    /// between them. The effects are not marked (the document does not say
    /// which rule made what); the counts on nodes and edges are as for
    /// [`Pathway::add`]. Refused, with nothing added, when the document is no
    /// evaluation of this pathway's guideline or its trace is no path of it.
    pub fn add_json(&mut self, evaluation_json: &str) -> Result<(), Error> {
        let doc: serde_json::Value = serde_json::from_str(evaluation_json)
            .map_err(|e| Error::parse(format!("not an evaluation document: {e}")))?;
        let digest = doc.pointer("/guideline/digest").and_then(|d| d.as_str());
        if digest != Some(self.guideline.digest()) {
            return Err(Error::parse(format!(
                "the evaluation was made with guideline digest {}, not with the one drawn ({})",
                digest.unwrap_or("(none)"),
                self.guideline.digest()
            )));
        }
        let trace = doc
            .get("trace")
            .and_then(|t| t.as_array())
            .ok_or_else(|| Error::parse("the evaluation has no trace"))?;
        let mut rules = Vec::with_capacity(trace.len());
        for entry in trace {
            let rule = entry
                .get("rule")
                .and_then(|r| r.as_str())
                .and_then(crate::knowledge::RuleId::from_name);
            let fired = entry.get("fired").and_then(|f| f.as_bool());
            match (rule, fired) {
                (Some(rule), Some(fired)) => rules.push((rule, fired)),
                _ => {
                    return Err(Error::parse(format!(
                        "a trace entry is not a rule and its outcome: {entry}"
                    )))
                }
            }
        }
        let steps = self.path_of(&rules).ok_or_else(|| {
            Error::parse("the trace is not a path through this guideline's graph")
        })?;
        self.cases += 1;
        for (node, branch) in steps {
            if let Some(v) = self.visits.get_mut(node) {
                *v += 1;
            }
            if let Some(t) = self.taken.get_mut(node).and_then(|b| b.get_mut(branch)) {
                *t += 1;
            }
        }
        Ok(())
    }

    /// The steps (node, branch) of the walk that consulted `rules` in order:
    /// between two rules, the branch points that lead from one to the next.
    fn path_of(&self, rules: &[(crate::knowledge::RuleId, bool)]) -> Option<Vec<(usize, usize)>> {
        let g = self.guideline;
        let mut steps = Vec::with_capacity(rules.len() * 2);
        let mut at = 0;
        for (rule, fired) in rules {
            let target = g
                .nodes
                .iter()
                .position(|n| matches!(n, Node::Rule(r) if r.id == *rule))?;
            steps.extend(self.forks_between(at, target)?);
            let branch = usize::from(!*fired);
            steps.push((target, branch));
            at = *g.edges(target).get(branch)?;
        }
        // The walk ends where the last rule's branch leads (through forks at most).
        (at == END).then_some(steps)
    }

    /// The fork steps from node `from` to node `to`, passing only forks.
    fn forks_between(&self, from: usize, to: usize) -> Option<Vec<(usize, usize)>> {
        let mut steps = Vec::new();
        let mut at = from;
        // Forks never loop in a valid graph; the bound ends an invalid one.
        for _ in 0..=self.guideline.nodes.len() {
            if at == to {
                return Some(steps);
            }
            let Some(Node::Fork(_)) = self.guideline.node(at) else {
                return None;
            };
            let arms = self.guideline.edges(at);
            let (branch, next) = arms
                .iter()
                .enumerate()
                .find(|(_, next)| self.reaches_through_forks(**next, to))
                .map(|(b, n)| (b, *n))?;
            steps.push((at, branch));
            at = next;
        }
        None
    }

    /// Whether node `to` is reached from `from` through forks only.
    fn reaches_through_forks(&self, from: usize, to: usize) -> bool {
        let mut stack = vec![from];
        let mut seen = vec![false; self.guideline.nodes.len()];
        while let Some(at) = stack.pop() {
            if at == to {
                return true;
            }
            match (self.guideline.node(at), seen.get_mut(at)) {
                (Some(Node::Fork(_)), Some(s)) if !*s => {
                    *s = true;
                    stack.extend(self.guideline.edges(at).iter().copied());
                }
                _ => {}
            }
        }
        false
    }

    /// The number of cases drawn.
    pub fn cases(&self) -> u64 {
        self.cases
    }

    /// The guideline drawn.
    pub fn guideline(&self) -> &'g Guideline {
        self.guideline
    }

    /// How many cases reached the node at `index` (in the guideline's node
    /// order).
    pub fn visits(&self, index: usize) -> u64 {
        self.visits.get(index).copied().unwrap_or(0)
    }

    /// How many cases left the node at `index` by branch `branch` (a rule:
    /// 0 yes, 1 no; a fork: its arm).
    pub fn taken(&self, index: usize, branch: usize) -> u64 {
        self.taken
            .get(index)
            .and_then(|b| b.get(branch))
            .copied()
            .unwrap_or(0)
    }

    /// What the node at `index` did for the cases drawn, with counts.
    pub fn marks(&self, index: usize) -> &[(Mark, u64)] {
        self.marks.get(index).map(Vec::as_slice).unwrap_or_default()
    }

    /// The ids of the nodes the cases reached, in graph order.
    pub fn visited_ids(&self) -> impl Iterator<Item = &str> {
        self.guideline
            .nodes
            .iter()
            .zip(&self.visits)
            .filter(|(_, v)| **v > 0)
            .map(|(n, _)| n.id())
    }

    /// Draws the pathway.
    pub fn render(&self, format: PathwayFormat) -> Result<String, Error> {
        match format {
            PathwayFormat::Svg => svg::render(self),
            PathwayFormat::Dot => Ok(dot::render(self)),
            PathwayFormat::Mermaid => Ok(mermaid::render(self)),
        }
    }

    /// The edges to draw: (from node, to node or [`END`], label, cases that
    /// took it). A rule whose two branches lead to the same node has one
    /// edge, without a label.
    fn edges(&self) -> Vec<Edge> {
        let mut out = Vec::new();
        for (i, node) in self.guideline.nodes.iter().enumerate() {
            let targets = self.guideline.edges(i);
            match node {
                Node::Rule(_) => {
                    let (yes, no) = (
                        targets.first().copied().unwrap_or(END),
                        targets.get(1).copied().unwrap_or(END),
                    );
                    if yes == no {
                        let taken = self.taken(i, 0) + self.taken(i, 1);
                        out.push(Edge::new(i, yes, String::new(), taken));
                    } else {
                        out.push(Edge::new(i, yes, "yes".to_owned(), self.taken(i, 0)));
                        out.push(Edge::new(i, no, "no".to_owned(), self.taken(i, 1)));
                    }
                }
                Node::Fork(f) => {
                    for (b, (arm, to)) in f.arms.iter().zip(targets).enumerate() {
                        out.push(Edge::new(i, *to, arm.label.to_string(), self.taken(i, b)));
                    }
                }
            }
        }
        out
    }

    /// How many cases ended their walk (reached the end node).
    fn ends(&self) -> u64 {
        self.edges()
            .iter()
            .filter(|e| e.to == END)
            .map(|e| e.taken)
            .sum()
    }
}

impl Pathway<'static> {
    /// The graph of the evaluation's guideline with its path highlighted.
    pub fn of(evaluation: &Evaluation) -> Pathway<'static> {
        let mut pathway = Pathway::new(evaluation.guideline());
        // Same guideline by construction: cannot be refused.
        let _ = pathway.add(evaluation);
        pathway
    }

    /// The graph of the built-in guideline with the paths of `evaluations`
    /// counted on every edge (the cohort view). An evaluation made with
    /// another guideline is refused.
    pub fn cohort<'e>(
        evaluations: impl IntoIterator<Item = &'e Evaluation>,
    ) -> Result<Pathway<'static>, Error> {
        let mut pathway = Pathway::new(Guideline::builtin());
        for e in evaluations {
            pathway.add(e)?;
        }
        Ok(pathway)
    }
}

/// One edge to draw.
struct Edge {
    from: usize,
    to: usize,
    label: String,
    taken: u64,
}

impl Edge {
    fn new(from: usize, to: usize, label: String, taken: u64) -> Edge {
        Edge {
            from,
            to,
            label,
            taken,
        }
    }
}
