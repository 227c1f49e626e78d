//! Governance bodies: boards, executives, groups, and how they report to each other.

use std::collections::{HashMap, HashSet};

text_enum! {
    /// What sort of body it is.
    BodyKind {
        Board = "board",
        Executive = "executive",
        ProgrammeBoard = "programme_board",
        WorkingGroup = "working_group",
        Subgroup = "subgroup",
        SteeringGroup = "steering_group",
        Committee = "committee",
    }
}

text_enum! {
    /// How often a body meets.
    Cadence {
        Monthly = "monthly",
        HalfTermly = "half_termly",
        TwiceATerm = "twice_a_term",
        Quarterly = "quarterly",
        SixMonthly = "six_monthly",
        Annual = "annual",
        AdHoc = "ad_hoc",
    }
}

text_enum! {
    /// A `direct` line carries accountability; a `dotted` one keeps a body informed.
    LineKind {
        Direct = "direct",
        Dotted = "dotted",
    }
}

/// Whether adding `body -> parents` to the existing lines (child -> parents) would
/// close a loop: true when `body` can already be reached from one of `parents`.
pub fn would_cycle(body: &str, parents: &[String], lines: &HashMap<String, Vec<String>>) -> bool {
    let mut seen: HashSet<&str> = HashSet::new();
    let mut stack: Vec<&str> = parents.iter().map(String::as_str).collect();
    while let Some(current) = stack.pop() {
        if current == body {
            return true;
        }
        if seen.insert(current) {
            if let Some(up) = lines.get(current) {
                stack.extend(up.iter().map(String::as_str));
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(pairs: &[(&str, &str)]) -> HashMap<String, Vec<String>> {
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        for (child, parent) in pairs {
            map.entry(child.to_string())
                .or_default()
                .push(parent.to_string());
        }
        map
    }

    #[test]
    fn a_line_back_to_an_ancestor_is_a_cycle() {
        let existing = lines(&[("delivery", "programme"), ("programme", "board")]);
        assert!(would_cycle("board", &["delivery".into()], &existing));
        assert!(would_cycle("x", &["x".into()], &existing));
        assert!(!would_cycle("delivery", &["board".into()], &existing));
        assert!(!would_cycle(
            "new",
            &["delivery".into(), "board".into()],
            &existing
        ));
    }
}
