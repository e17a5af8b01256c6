//! [`Guideline`]: the whole table as one value (texts, thresholds and the
//! decision graph), validated when it is built, serialized for
//! `nettx rules --format json`, and hashed into `guideline.digest`.

use super::graph::{Cond, Effect, List, Next, Node, Text, ThresholdId, ThresholdSpec};
use super::{CodeSpec, MissingSpec, SourceSpec, WarningSpec};
use crate::case::Case;
use crate::evaluation::Evaluation;
use crate::vocab::{Code, Field, FieldKind, Source, WarningCode};
use crate::RuleId;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::OnceLock;

/// The end of a path, as a node index.
pub(crate) const END: usize = usize::MAX;

/// The whole rule table: statements, codes, warnings, missing-data reasons,
/// thresholds and the decision graph that the engine walks.
///
/// The built-in one is [`Guideline::builtin`]; [`crate::evaluate`] uses it.
/// Another can be read with [`Guideline::from_json`] (for review of a
/// proposed change, say), which validates it first. Two guidelines are equal
/// when their digests are.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guideline {
    /// Identifier of the guideline.
    pub id: Text,
    /// Version of its knowledge (changes whenever the table does).
    pub version: Text,
    /// Named size thresholds, in [`ThresholdId::ALL`] order.
    pub thresholds: List<ThresholdSpec>,
    /// Statements of the source and outside references, in [`Source::ALL`] order.
    pub sources: List<SourceSpec>,
    /// Recommendation codes, in [`Code::ALL`] order.
    pub codes: List<CodeSpec>,
    /// Safety warnings, in [`WarningCode::ALL`] order.
    pub warnings: List<WarningSpec>,
    /// Why each field that can be reported missing matters, in output order.
    pub missing: List<MissingSpec>,
    /// The decision graph; evaluation starts at the first node.
    pub nodes: List<Node>,
    #[serde(skip)]
    compiled: Compiled,
}

/// Where each branch of each node leads, by index, and the derived forms.
#[derive(Default)]
struct Compiled {
    /// Per node: a rule's `[yes, no]`, or a fork's arms in order.
    edges: Vec<Vec<usize>>,
    /// Per node: the node compiled for the engine (`None` where a condition
    /// is too large to compile, which validation reports).
    ops: Vec<Option<crate::engine::Op>>,
    /// The category of each code, by [`Code::index`].
    categories: Vec<crate::vocab::Category>,
    /// The node index of each rule, by [`RuleId::index`].
    rules: Vec<usize>,
    /// Threshold values by [`ThresholdId::index`] (NaN where absent, which
    /// no size passes).
    thresholds: Vec<f64>,
    /// The compact JSON of the table.
    json: String,
    /// SHA-256 of `json`.
    digest: String,
    /// The evaluation JSON's parts that depend only on this guideline
    /// (its stamps and the engine's among them).
    fragments: crate::json_out::Fragments,
}

/// What is wrong with a guideline, as found by validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuidelineError {
    problems: Vec<String>,
}

impl GuidelineError {
    /// Every problem found, one sentence each, naming the node or table.
    pub fn problems(&self) -> &[String] {
        &self.problems
    }
}

impl fmt::Display for GuidelineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid guideline: {}", self.problems.join("; "))
    }
}

impl std::error::Error for GuidelineError {}

impl fmt::Debug for Guideline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Guideline")
            .field("id", &self.id)
            .field("version", &self.version)
            .field("digest", &self.digest())
            .finish_non_exhaustive()
    }
}

impl PartialEq for Guideline {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other) || self.digest() == other.digest()
    }
}

impl Eq for Guideline {}

impl Guideline {
    /// The guideline built into this library (built and checked once).
    pub fn builtin() -> &'static Guideline {
        static BUILTIN: OnceLock<Guideline> = OnceLock::new();
        BUILTIN.get_or_init(|| Guideline::assemble(super::builtin_parts()))
    }

    /// A guideline from its tables (not yet validated).
    #[allow(
        clippy::too_many_arguments,
        reason = "one argument per table of the guideline"
    )]
    pub(super) fn from_parts(
        id: &'static str,
        version: &'static str,
        thresholds: List<ThresholdSpec>,
        sources: List<SourceSpec>,
        codes: List<CodeSpec>,
        warnings: List<WarningSpec>,
        missing: List<MissingSpec>,
        nodes: List<Node>,
    ) -> Guideline {
        Guideline {
            id: Text::Borrowed(id),
            version: Text::Borrowed(version),
            thresholds,
            sources,
            codes,
            warnings,
            missing,
            nodes,
            compiled: Compiled::default(),
        }
    }

    /// Reads a guideline from the JSON of `nettx rules --format json` and
    /// validates it.
    pub fn from_json(json: &str) -> Result<Guideline, GuidelineError> {
        let parts: Guideline = serde_json::from_str(json).map_err(|e| GuidelineError {
            problems: vec![format!("not a guideline table: {e}")],
        })?;
        let guideline = Guideline::assemble(parts);
        guideline.validate()?;
        Ok(guideline)
    }

    /// Gives the guideline the lifetime of the program, as an evaluation
    /// refers to the guideline it was made with. Load a guideline once.
    pub fn leak(self) -> &'static Guideline {
        Box::leak(Box::new(self))
    }

    /// Evaluates a validated case with this guideline.
    pub fn evaluate(&'static self, case: &Case) -> Evaluation {
        crate::engine::evaluate(self, case)
    }

    /// Like [`Self::evaluate`], writing the trace during the walk, for
    /// callers that serialize the evaluation or read its trace.
    pub fn evaluate_traced(&'static self, case: &Case) -> Evaluation {
        crate::engine::evaluate_traced(self, case)
    }

    /// The table as compact JSON (what `nettx rules --format json` prints).
    pub fn to_json(&self) -> &str {
        &self.compiled.json
    }

    /// SHA-256 (lowercase hex) of [`Self::to_json`]: the `guideline.digest`
    /// stamped on every evaluation.
    pub fn digest(&self) -> &str {
        &self.compiled.digest
    }

    /// The evaluation JSON's parts written once for this guideline.
    pub(crate) fn fragments(&self) -> &crate::json_out::Fragments {
        &self.compiled.fragments
    }

    /// The node at `index`, if any.
    pub(crate) fn node(&self, index: usize) -> Option<&Node> {
        self.nodes.get(index)
    }

    /// Where the branches of the node at `index` lead (node indices or
    /// [`END`]).
    pub(crate) fn edges(&self, index: usize) -> &[usize] {
        self.compiled
            .edges
            .get(index)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// The node at `index` as compiled for the engine.
    pub(crate) fn op(&self, index: usize) -> Option<&crate::engine::Op> {
        self.compiled.ops.get(index)?.as_ref()
    }

    /// The category of each code, by [`Code::index`].
    pub(crate) fn categories(&self) -> &[crate::vocab::Category] {
        &self.compiled.categories
    }

    /// The threshold values, by [`ThresholdId::index`].
    pub(crate) fn threshold_values(&self) -> &[f64] {
        &self.compiled.thresholds
    }

    /// The node of `rule`, if the graph has one.
    pub fn rule(&self, rule: RuleId) -> Option<&super::RuleNode> {
        let index = *self.compiled.rules.get(rule.index())?;
        match self.nodes.get(index)? {
            Node::Rule(r) => Some(r),
            Node::Fork(_) => None,
        }
    }

    /// The value of a threshold (NaN if the table lacks it, which no size
    /// passes: an invalid table cannot be built through [`Self::from_json`]).
    pub fn threshold(&self, id: ThresholdId) -> f64 {
        self.compiled
            .thresholds
            .get(id.index())
            .copied()
            .unwrap_or(f64::NAN)
    }

    /// The entry of `code`.
    pub(crate) fn code(&self, code: Code) -> Option<&CodeSpec> {
        self.codes.get(code.index()).filter(|c| c.code == code)
    }

    /// The entry of `warning`.
    pub(crate) fn warning(&self, warning: WarningCode) -> Option<&WarningSpec> {
        self.warnings
            .get(warning.index())
            .filter(|w| w.code == warning)
    }

    /// The entry of `source`.
    pub(crate) fn source(&self, source: Source) -> Option<&SourceSpec> {
        self.sources.get(source.index()).filter(|s| s.id == source)
    }

    /// The reason given when `field` is missing (empty if the table has none).
    pub(crate) fn missing_reason(&self, field: Field) -> &str {
        self.missing
            .iter()
            .find(|m| m.field == field)
            .map(|m| &*m.reason)
            .unwrap_or("")
    }

    /// Resolves the branches to indices and derives the JSON and digest.
    /// Never fails: an unresolved branch ends the path, and
    /// [`Self::validate`] reports it.
    fn assemble(mut g: Guideline) -> Guideline {
        let index: BTreeMap<&str, usize> = g
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id(), i))
            .collect();
        let resolve = |next: &Next| -> usize {
            if next.is_end() {
                END
            } else {
                index.get(&*next.0).copied().unwrap_or(END)
            }
        };
        let mut rules = vec![END; RuleId::ALL.len()];
        let mut edges = Vec::with_capacity(g.nodes.len());
        for (i, node) in g.nodes.iter().enumerate() {
            match node {
                Node::Rule(r) => {
                    if let Some(slot) = rules.get_mut(r.id.index()) {
                        *slot = i;
                    }
                    edges.push(vec![resolve(&r.yes), resolve(&r.no)]);
                }
                Node::Fork(f) => edges.push(f.arms.iter().map(|a| resolve(&a.to)).collect()),
            }
        }
        let mut thresholds = vec![f64::NAN; ThresholdId::ALL.len()];
        for t in g.thresholds.iter() {
            if let Some(slot) = thresholds.get_mut(t.id.index()) {
                *slot = t.value_cm;
            }
        }
        let ops = g
            .nodes
            .iter()
            .zip(&edges)
            .map(|(node, edges)| crate::engine::compile(node, edges))
            .collect();
        let json = serde_json::to_string(&g).unwrap_or_default();
        let digest = crate::canonical::hex_sha256(json.as_bytes());
        let categories = g.codes.iter().map(|c| c.category).collect();
        g.compiled = Compiled {
            ops,
            categories,
            edges,
            rules,
            thresholds,
            json,
            digest,
            fragments: Default::default(),
        };
        // Written from the table through its lookups, which need the rest.
        g.compiled.fragments = crate::json_out::Fragments::new(&g, g.digest());
        g
    }

    /// Checks the table: every table complete and in vocabulary order, every
    /// branch resolves, no cycle (so every path ends), no node unreachable,
    /// every rule present once, every warning raised somewhere, and every
    /// condition and effect on a field of the right kind.
    pub fn validate(&self) -> Result<(), GuidelineError> {
        let mut problems = Vec::new();
        self.check_tables(&mut problems);
        self.check_graph(&mut problems);
        if problems.is_empty() {
            Ok(())
        } else {
            Err(GuidelineError { problems })
        }
    }

    fn check_tables(&self, problems: &mut Vec<String>) {
        fn in_order<T, V: PartialEq + Copy + fmt::Display>(
            problems: &mut Vec<String>,
            table: &str,
            rows: &[T],
            all: &[V],
            key: impl Fn(&T) -> V,
        ) {
            let keys: Vec<V> = rows.iter().map(key).collect();
            if keys.as_slice() != all {
                let expected: Vec<String> = all.iter().map(|v| v.to_string()).collect();
                problems.push(format!(
                    "table {table} must list exactly, in order: {}",
                    expected.join(", ")
                ));
            }
        }
        in_order(
            problems,
            "thresholds",
            &self.thresholds,
            ThresholdId::ALL,
            |t| t.id,
        );
        in_order(problems, "sources", &self.sources, Source::ALL, |s| s.id);
        in_order(problems, "codes", &self.codes, Code::ALL, |c| c.code);
        in_order(
            problems,
            "warnings",
            &self.warnings,
            WarningCode::ALL,
            |w| w.code,
        );
        for t in self.thresholds.iter() {
            if !(t.value_cm.is_finite() && t.value_cm > 0.0) {
                problems.push(format!(
                    "threshold {} must be a positive number of cm",
                    t.id
                ));
            }
        }
        let mut seen = BTreeSet::new();
        for m in self.missing.iter() {
            if !seen.insert(m.field) {
                problems.push(format!("table missing lists {} twice", m.field));
            }
        }
        let order: Vec<Field> = self.missing.iter().map(|m| m.field).collect();
        let mut sorted = order.clone();
        sorted.sort();
        if order != sorted {
            problems.push("table missing must follow the field order".to_owned());
        }
    }

    fn check_graph(&self, problems: &mut Vec<String>) {
        if self.nodes.is_empty() {
            problems.push("the graph has no node".to_owned());
            return;
        }
        let mut ids = BTreeSet::new();
        for node in self.nodes.iter() {
            let id = node.id();
            if id == "end" || !ids.insert(id) {
                problems.push(format!("node id {id} is reserved or used twice"));
            }
        }
        for rule in RuleId::ALL {
            if !self
                .nodes
                .iter()
                .any(|n| matches!(n, Node::Rule(r) if r.id == *rule))
            {
                problems.push(format!("rule {rule} has no node"));
            }
        }
        for (i, node) in self.nodes.iter().enumerate() {
            let id = node.id();
            if self.op(i).is_none() {
                problems.push(format!(
                    "node {id} has a condition too large to compile (over {} clauses)",
                    crate::engine::MAX_CLAUSES
                ));
            }
            let targets: Vec<&Next> = match node {
                Node::Rule(r) => vec![&r.yes, &r.no],
                Node::Fork(f) => f.arms.iter().map(|a| &a.to).collect(),
            };
            for (next, to) in targets.iter().zip(self.edges(i)) {
                if *to == END && !next.is_end() {
                    problems.push(format!("node {id} leads to {}, which is no node", next.0));
                }
            }
            match node {
                Node::Rule(r) => {
                    self.check_cond(id, &r.when, problems);
                    self.check_effects(id, &r.then, problems);
                }
                Node::Fork(f) => {
                    if !matches!(f.arms.last(), Some(a) if a.when == Cond::Always) {
                        problems.push(format!(
                            "fork {id} must end with an arm on \"always\", so it always goes on"
                        ));
                    }
                    for arm in f.arms.iter() {
                        self.check_cond(id, &arm.when, problems);
                    }
                }
            }
        }
        self.check_paths(problems);
        for w in WarningCode::ALL {
            let raised = self.nodes.iter().any(|n| match n {
                Node::Rule(r) => raises(&r.then, *w),
                Node::Fork(_) => false,
            });
            if !raised {
                problems.push(format!("no rule raises warning {w}"));
            }
        }
    }

    /// No cycle (every path ends) and every node reachable from the first.
    fn check_paths(&self, problems: &mut Vec<String>) {
        // Iterative depth-first search with colours: 0 new, 1 on the path, 2 done.
        let n = self.nodes.len();
        let mut colour = vec![0u8; n];
        let mut stack: Vec<(usize, usize)> = vec![(0, 0)];
        if let Some(c) = colour.get_mut(0) {
            *c = 1;
        }
        while let Some((node, edge)) = stack.pop() {
            match self.edges(node).get(edge).copied() {
                Some(next) => {
                    stack.push((node, edge + 1));
                    match colour.get(next).copied() {
                        Some(0) => {
                            if let Some(c) = colour.get_mut(next) {
                                *c = 1;
                            }
                            stack.push((next, 0));
                        }
                        Some(1) => {
                            let at = self.nodes.get(next).map(Node::id).unwrap_or("?");
                            problems.push(format!("the graph has a cycle through node {at}"));
                            return;
                        }
                        _ => {}
                    }
                }
                None => {
                    if let Some(c) = colour.get_mut(node) {
                        *c = 2;
                    }
                }
            }
        }
        for (node, c) in self.nodes.iter().zip(&colour) {
            if *c == 0 {
                problems.push(format!("node {} is unreachable", node.id()));
            }
        }
    }

    fn check_cond(&self, at: &str, cond: &Cond, problems: &mut Vec<String>) {
        match cond {
            Cond::Is { field, .. } if field.kind() != FieldKind::Bool => problems.push(format!(
                "node {at} tests {field} as yes/no, but it is not a yes/no field"
            )),
            Cond::Unknown(Field::PrimarySite | Field::CaseId | Field::Complications) => problems
                .push(format!(
                    "node {at} tests whether a field that is never unknown is unknown"
                )),
            Cond::All(list) | Cond::Any(list) | Cond::NoneOf(list) => {
                for c in list.iter() {
                    self.check_cond(at, c, problems);
                }
            }
            _ => {}
        }
    }

    fn check_effects(&self, at: &str, effects: &[Effect], problems: &mut Vec<String>) {
        for effect in effects {
            match effect {
                Effect::Set { field, .. } if field.kind() != FieldKind::Bool => {
                    problems.push(format!("node {at} sets {field}, which is not yes/no"))
                }
                Effect::Missing(field) if !self.missing.iter().any(|m| m.field == *field) => {
                    problems.push(format!(
                        "node {at} reports {field} missing, but the table gives no reason for it"
                    ))
                }
                Effect::If { when, then } => {
                    self.check_cond(at, when, problems);
                    self.check_effects(at, then, problems);
                }
                _ => {}
            }
        }
    }
}

/// Whether `effects` (or an effect nested in them) raise `warning`.
fn raises(effects: &[Effect], warning: WarningCode) -> bool {
    effects.iter().any(|e| match e {
        Effect::Warn(w) => *w == warning,
        Effect::If { then, .. } => raises(then, warning),
        _ => false,
    })
}
