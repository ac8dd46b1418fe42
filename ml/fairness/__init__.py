"""The fairness audit (design §4): appraisals measured against evidence the rater does not
produce — rater effects, differential rater functioning, group disparity, single scores, and the
rules of the scoring core."""
