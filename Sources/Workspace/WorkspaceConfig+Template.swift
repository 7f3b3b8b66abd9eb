extension WorkspaceConfig {
    /// The commented `winnow.toml` that `winnow init` writes. It is the documentation of every
    /// setting, so each one says what it does and why the default is what it is.
    /// The line `winnow init --group NAME` replaces with `group = "NAME"`.
    public static let groupPlaceholder = #"# group = "labelers""#
    /// The line `winnow init --store URL` replaces with `url = "URL"`.
    public static let storePlaceholder = #"# url = "postgresql:///labels""#

    public static let template = #"""
# winnow workspace configuration.
# Every setting below has a default; delete a line to go back to it. Changing gates or
# slices takes effect on the next import or `winnow gates --rerun`.

[workspace]
# Seed for every deterministic choice (review sampling, queue order, mix sampling). Keep it
# fixed so samples stay stable across restarts, reviewers and re-imports.
seed = "winnow"
# log/, sources/, quarantine/ and mixes/ as symbolic links to elsewhere are refused: a link
# silently moves the truth (the log) or what it vouches for (sources) out of the workspace's
# permissions. Set true only when the link is deliberate (a bigger disk, say).
follow_symlinks = false
# The Unix group a team shares this workspace through. `winnow init --group NAME` sets it and
# gives every folder and file to the group (folders setgid, so new files join it; group-
# writable, so every member can append); `winnow doctor` checks them all against it.
# Unset: a workspace of one user.
# group = "labelers"

[import]
# Lines longer than this many bytes are quarantined instead of imported.
max_line_bytes = 8388608
# Where each row's provenance is read from, first path present wins. Dotted paths; a number
# picks an array element ("instances.0.output"). `winnow import --map FIELD=PATH` overrides.
[import.paths]
id = ["id"]
origin = ["meta.origin", "origin"]
generator = ["meta.generator", "generator", "meta.model"]
template = ["meta.template", "template"]
seed = ["meta.seed_id", "meta.seed", "seed_id"]
temperature = ["meta.temperature", "temperature"]
created = ["meta.created", "created"]
slice = ["meta.slice", "meta.slices", "slice"]
judge_score = ["meta.judge_score", "judge_score"]

# Slices: a wrong row is costly in the critical ones, so they are reviewed in full and come
# first (lower priority number = earlier). Other slices are reviewed by a sample whose
# measured error rate decides whether their unreviewed rows are trusted.
# `group` (optional): only members of this OS group are served and may decide the slice (on a
# PostgreSQL store: members of the server role of that name, which the server itself enforces).
# `keywords` (and `keyword_regex`): the slice classifier tags rows that arrive without a slice.
# Per-slice gate settings, on top of [gates]: `blocklist`, `blocklist_regex` (added to the
# global lists), `max_turn_chars`, `max_row_chars`, and `pii` = "reject" or "flag" (by default
# personal data is rejected in medical and billing and flagged elsewhere; a toll-free number,
# almost always an organisation's line, is only ever flagged).
[slices.safety]
priority = 1
critical = true
review_rate = 1.0
description = "Self-harm, weapons, dangerous activities, abuse: refusals and safe answers."
keywords = ["suicide", "self-harm", "weapon", "explosive", "overdose", "poison", "kill"]

[slices.legal]
priority = 2
critical = true
review_rate = 1.0
description = "Contracts, terms of service, privacy and data-protection requests, liability."
keywords = ["contract", "lawyer", "liability", "gdpr", "terms of service", "lawsuit", "privacy"]

[slices.medical]
priority = 3
critical = true
review_rate = 1.0
description = "Symptoms, medication, dosage, diagnosis: wrong answers can hurt someone."
keywords = ["dosage", "dose", "mg", "prescription", "symptom", "diagnosis", "medication"]
# group = "winnow-medical"

[slices.billing]
priority = 4
critical = true
review_rate = 1.0
description = "Refunds, invoices, charges, cancellations: invented policies cost money."
keywords = ["refund", "invoice", "charge", "billing", "subscription", "payment", "cancel"]
blocklist = ["no questions asked"]

[slices.general]
priority = 10
critical = false
review_rate = 0.05
description = "Everything else."
keywords = []

# Reject reasons: the one-key picker in review lists these, in this order.
[reasons]
factual-error = "States something false."
invented-policy = "Invents a policy, price or rule the company does not have."
unsafe = "Helps with something harmful, or fails to point to help."
pii = "Contains personal data (names, e-mail, phone, card or ID numbers)."
off-slice = "Does not belong in the slice it is tagged with."
template-echo = "Parrots the generator's template instead of answering."
low-quality = "Unhelpful, rambling, wrong format or badly written."
duplicate = "Repeats another row."

[gates]
# Length limits per turn and per row (characters; tokens are estimated as characters / 4).
max_turn_chars = 16000
max_row_chars = 64000
# Near duplicates: MinHash over word shingles, flagged at or above this Jaccard similarity.
near_duplicate_threshold = 0.8
shingle_words = 5
# A generator/template batch where more than this share of rows open the same way is flagged.
template_share_max = 0.3
# Eval contamination. eval_files: files or folders, relative to the workspace: JSON Lines, a
# JSON array, CSV or TSV (with or without a header; MMLU's question,A,B,C,D,answer), gzip of
# any (e.g. hh-rlhf test.jsonl.gz). A row whose prompt side copies an eval prompt is rejected:
# it shares a contamination_ngram-word n-gram with it, holds a whole eval prompt of at least
# contamination_min_words words, or a turn of it IS an eval prompt (or an eval conversation's
# first turn) of at least contamination_exact_min_words words. Overlap with eval answers is
# only flagged (answer-overlap): answers share stock wording.
contamination_ngram = 13
contamination_min_words = 8
contamination_exact_min_words = 3
eval_files = []
# Phrases (case-insensitive) and regular expressions that flag a row.
blocklist = ["as an ai language model"]
blocklist_regex = []

# What a gate's flag does to a row no reviewer has decided yet, per gate (schema, length,
# blocklist, pii, classifier, exact-duplicate, near-duplicate, template, contamination,
# answer-overlap, pair):
#   "review"  (the default) queued for a reviewer in any slice, flagged rows first, before the
#             sample; kept out of mixes until a reviewer decides it;
#   "exclude" kept out of mixes, but not queued unless the sample draws it;
#   "ignore"  shown on the review screen and in `winnow gates`, nothing more.
# A gate's rejection always keeps a row out until a reviewer decides otherwise.
[gates.on_flag]
# length = "review"

[review]
# Share of critical rows that a second reviewer also sees, to measure agreement.
overlap_share = 0.10
# Minutes a reviewer holds a row on screen before it returns to the queue.
lease_minutes = 10
# For rows an AI judge scored: `winnow stats` finds the judge-score threshold that would have
# kept at least this precision (share of kept rows reviewers accepted) on the reviewed rows.
judge_precision = 0.9

[mix]
# At least this share of every mix is human-written.
human_floor = 0.3
# Synthetic rows at most this many times the human rows.
synthetic_cap_ratio = 10.0
# In a critical slice, synthetic rows may be at most this share.
critical_synthetic_max = 0.5
# Of a mix's human rows, at least this share must be fresh: held by no earlier mix that the
# generators of its synthetic rows were trained on ([generators] below). Without fresh human
# data every round, models trained on their predecessors' output lose the tails of the human
# distribution. Without a lineage every human row is fresh.
fresh_human_floor = 0.2

# What each generator was trained on, so every synthetic row knows its generation: 0 for a
# generator trained on no winnow mix, n+1 for one trained on a mix whose synthetic rows reached
# generation n. Folders of mixes winnow built (with provenance), relative to this folder.
# `winnow lineage` shows the result; `winnow stats` and mix reports count rows by generation.
# [generators.teacher-b]
# trained_on = ["mixes/support-v1"]

[store]
# Where the log lives. Unset: in this folder (log/provenance.jsonl), written by whoever runs
# winnow here. Set (`winnow init --store URL`, `winnow store migrate --to URL`): in a PostgreSQL
# database, which writes every entry itself and names its author as the server authenticated
# them; log/ then holds this box's copy, checked against the store before every command. A
# libpq URL: postgresql:///DB for the box's own server over its socket (peer authentication),
# postgresql://HOST:PORT/DB?sslmode=require for another box's. Never a password: this file is
# read by the whole group (PGPASSWORD carries one where the server asks).
# url = "postgresql:///labels"
"""#
}
