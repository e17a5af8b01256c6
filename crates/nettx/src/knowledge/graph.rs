//! The types of the decision graph: nodes, the conditions they test, the
//! effects they have, and the named thresholds they compare sizes with.
//!
//! The graph is data. [`crate::knowledge::Guideline`] holds it, validates it
//! and serializes it (the `nodes` of `nettx rules --format json`); the engine
//! only walks it. Two kinds of node exist:
//!
//! - a [`RuleNode`] is a decision rule: its condition is tested and written to
//!   the trace (fired or not), its effects apply when it holds, and it goes
//!   on to `yes` or `no`;
//! - a [`ForkNode`] is a silent branch point: its arms are tried in order and
//!   the first whose condition holds is taken. The last arm must be
//!   [`Cond::Always`], so a fork always goes somewhere; an arm on
//!   [`Cond::Unknown`] is the branch taken when a fact is unknown, and leads
//!   to the rule that reports it missing.
//!
//! Conditions read the facts (after the step-0 inferences they make) and the
//! recommendations made so far. An atomic condition on a fact is false when
//! the fact is unknown; only [`Cond::Unknown`] holds then. So an unknown is
//! never read as false or zero: it takes its own branch or none.

use crate::vocab::{
    vocabulary, Category, Code, Complication, DiseaseState, Field, Goal, Histology, Site, Source,
    SsaResponse, Strength, Urgency, WarningCode,
};
use crate::RuleId;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// A text of the table: borrowed in the built-in guideline, owned in one
/// read from JSON.
pub type Text = Cow<'static, str>;
/// A list of the table: borrowed in the built-in guideline, owned in one read
/// from JSON.
pub type List<T> = Cow<'static, [T]>;

/// A text of the built-in table (usable in constants).
pub(crate) const fn text(s: &'static str) -> Text {
    Cow::Borrowed(s)
}

/// A list of the built-in table (usable in constants).
pub(crate) const fn list<T: Clone>(items: &'static [T]) -> List<T> {
    Cow::Borrowed(items)
}

vocabulary! {
    /// A named threshold of the table (a tumour size in cm).
    pub enum ThresholdId {
        /// Largest tumour that local excision may remove (S4).
        LocalExcisionMaxCm = "local_excision_max_cm",
        /// Upper end of the rectal intermediate size band (R7).
        RectalIntermediateMaxCm = "rectal_intermediate_max_cm",
    }
}

/// One named threshold and its value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThresholdSpec {
    /// Its name.
    pub id: ThresholdId,
    /// Its value, in centimetres.
    pub value_cm: f64,
    /// The statements and references it comes from.
    pub sources: List<Source>,
    /// What it separates, in words.
    pub meaning: Text,
}

/// A condition on the facts and on the recommendations made so far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Cond {
    /// Always holds (an arm taken by default, a rule that is only reached).
    Always,
    /// The field's value is unknown.
    Unknown(Field),
    /// A yes/no field has this value (false while it is unknown).
    Is {
        /// The field (a yes/no field).
        field: Field,
        /// The value it must have.
        value: bool,
    },
    /// `primary_site` is one of these.
    SiteIn(List<Site>),
    /// `histology` is this (false while unknown).
    HistologyIs(Histology),
    /// `ssa_response` is one of these (false while unknown).
    SsaResponseIn(List<SsaResponse>),
    /// `tumor_size_cm` is known and at most the threshold.
    SizeAtMost(ThresholdId),
    /// `tumor_size_cm` is known and over the threshold.
    SizeOver(ThresholdId),
    /// At least one complication is recorded.
    AnyComplication,
    /// This complication is among those recorded.
    HasComplication(Complication),
    /// The disease state (from `metastatic`, after the inferences) is this.
    DiseaseState(DiseaseState),
    /// This code has been recommended (at any strength).
    Recommended(Code),
    /// This code has been recommended with this strength.
    RecommendedAs {
        /// The code.
        code: Code,
        /// Its strength.
        strength: Strength,
    },
    /// Some recommendation of this category has been made.
    CategoryRecommended(Category),
    /// Some recommendation has this strength.
    StrengthRecommended(Strength),
    /// Every one of these holds.
    All(List<Cond>),
    /// At least one of these holds.
    Any(List<Cond>),
    /// None of these holds.
    NoneOf(List<Cond>),
}

/// What a rule does when its condition holds, applied in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Effect {
    /// A step-0 inference: a yes/no fact is taken to have this value.
    Set {
        /// The field (a yes/no field).
        field: Field,
        /// The value it is taken to have.
        value: bool,
    },
    /// The case is outside the guideline (no goals, warnings or missing data).
    OutOfScope,
    /// Recommends `code` (replacing an earlier recommendation of the same code).
    Recommend {
        /// The code.
        code: Code,
        /// How strongly.
        strength: Strength,
        /// How soon.
        urgency: Urgency,
    },
    /// Withdraws an earlier recommendation of this code.
    Withdraw(Code),
    /// Reports this field missing (with its reason from the missing table).
    Missing(Field),
    /// Raises this warning.
    Warn(WarningCode),
    /// Adds this goal of treatment.
    Goal(Goal),
    /// Applies `then` when `when` holds (read when this effect is reached).
    If {
        /// The condition.
        when: Cond,
        /// The effects.
        then: List<Effect>,
    },
}

/// The node a branch leads to, by id, or [`Next::END`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Next(pub Text);

impl Next {
    /// The end of the evaluation.
    pub const END: Next = Next(text("end"));

    /// A branch to the node named `id` (for the built-in table).
    pub(crate) const fn to(id: &'static str) -> Next {
        Next(text(id))
    }

    /// Whether this branch ends the evaluation.
    pub fn is_end(&self) -> bool {
        self.0 == "end"
    }
}

/// A decision rule: tested, traced, and followed by `yes` or `no`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleNode {
    /// The rule's identifier (also the node's id, as its wire name).
    pub id: RuleId,
    /// The step of the decision procedure (0–7), or `settle` for the missing
    /// data, warnings and goals settled on the final recommendations.
    pub step: Text,
    /// Statements and references behind it.
    pub sources: List<Source>,
    /// The facts it reads (shown with their values in the trace).
    pub reads: List<Field>,
    /// The condition, in words.
    pub condition: Text,
    /// What follows when it holds, and why; the rationale of the
    /// recommendations it makes.
    pub effect: Text,
    /// The condition, as data.
    pub when: Cond,
    /// The effects, as data, applied in order when it holds.
    pub then: List<Effect>,
    /// Where to go when it holds.
    pub yes: Next,
    /// Where to go when it does not.
    pub no: Next,
}

/// One arm of a fork.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Arm {
    /// When this arm is taken.
    pub when: Cond,
    /// The arm, in a few words (an edge label of the pathway diagram).
    pub label: Text,
    /// Where it leads.
    pub to: Next,
}

/// A silent branch point: the first arm whose condition holds is taken.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForkNode {
    /// The fork's id (`fork.…`).
    pub id: Text,
    /// The step of the decision procedure it belongs to.
    pub step: Text,
    /// The question it asks, in words.
    pub question: Text,
    /// The facts it reads.
    pub reads: List<Field>,
    /// The arms, tried in order; the last is [`Cond::Always`].
    pub arms: List<Arm>,
}

/// A node of the decision graph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Node {
    /// A decision rule.
    Rule(RuleNode),
    /// A silent branch point.
    Fork(ForkNode),
}

impl Node {
    /// The node's id: a rule's wire name, or a fork's id.
    pub fn id(&self) -> &str {
        match self {
            Node::Rule(r) => r.id.as_str(),
            Node::Fork(f) => &f.id,
        }
    }

    /// The step it belongs to.
    pub fn step(&self) -> &str {
        match self {
            Node::Rule(r) => &r.step,
            Node::Fork(f) => &f.step,
        }
    }

    /// Whether it is a rule (not a fork).
    pub fn is_rule(&self) -> bool {
        matches!(self, Node::Rule(_))
    }

    /// The facts it reads.
    pub fn reads(&self) -> &[Field] {
        match self {
            Node::Rule(r) => &r.reads,
            Node::Fork(f) => &f.reads,
        }
    }
}
