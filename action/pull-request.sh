#!/usr/bin/env bash
# The pull-request flow of the licensectl GitHub Action (action.yml at the repo root):
#
#   1. annotations: `plan --format github` when the installed licensectl has it, else
#      `validate --format github` (workflow commands on stdout become annotations on the files);
#   2. the Markdown plan (`plan --format markdown`, with the errors when there are any) into the
#      job summary ($GITHUB_STEP_SUMMARY) and as ONE pull-request comment, found again by a
#      hidden marker and updated on every push (also after errors);
#   3. outputs exit-code, changes and plan-markdown in $GITHUB_OUTPUT;
#   4. exit with licensectl's code: 0 no changes, 1 errors, 2 changes (2 only with
#      INPUT_DETAILED_EXITCODE=true; otherwise changes exit 0 like a green check).
#
# Environment (set by action.yml from its inputs; the GITHUB_* variables by the runner):
#   LICENSECTL               the licensectl binary (default: licensectl on PATH)
#   INPUT_DIRECTORY          the license repo root (-C), default .
#   INPUT_ARGS               more arguments for `plan` (e.g. --state postgres://…), split on spaces
#   INPUT_AT                 --at for both plans (default: the current time, once for both)
#   INPUT_COMMENT            true|false: post/update the pull-request comment (default true)
#   INPUT_DETAILED_EXITCODE  true|false (default false)
#   GITHUB_TOKEN             token for `gh api` (pull-requests: write / issues: write)
#   GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, GITHUB_EVENT_NAME, GITHUB_REF, GITHUB_EVENT_PATH,
#   GITHUB_REPOSITORY, GITHUB_SERVER_URL, GITHUB_RUN_ID, GITHUB_SHA
set -uo pipefail

bin="${LICENSECTL:-licensectl}"
dir="${INPUT_DIRECTORY:-.}"
at="${INPUT_AT:-$(date -u +%Y-%m-%dT%H:%M:%SZ)}"
read -r -a extra <<< "${INPUT_ARGS:-}"
work="$(mktemp -d "${RUNNER_TEMP:-/tmp}/licensectl-pr.XXXXXX")"
marker="<!-- licensectl-plan: $dir -->"

if ! command -v "$bin" >/dev/null 2>&1; then
    echo "::error title=licensectl::licensectl is not installed (run the action with command: install first, or set LICENSECTL)"
    exit 1
fi

# 1. Annotations. `plan --format github` prints the plan's diagnostics (errors and warnings of
#    every tenant) as workflow commands and the text plan after; older releases only have
#    `validate --format github` (manifest and CSV errors, no state).
if "$bin" plan --help 2>/dev/null | grep -qw github; then
    echo "::group::licensectl plan --format github"
    "$bin" plan -C "$dir" --at "$at" "${extra[@]}" --format github
    annotate=$?
    echo "::endgroup::"
else
    echo "::group::licensectl validate --format github"
    "$bin" validate -C "$dir" --format github
    annotate=$?
    echo "::endgroup::"
fi

# 2. The Markdown plan; on errors it lists them, so the comment says what to fix.
"$bin" plan -C "$dir" --at "$at" "${extra[@]}" --format markdown --detailed-exitcode \
    > "$work/plan.md" 2> "$work/plan.err"
code=$?
cat "$work/plan.err" >&2
if [ "$code" -ne 0 ] && [ "$code" -ne 2 ]; then code=1; fi
if [ "$annotate" -eq 1 ]; then code=1; fi

{
    echo "$marker"
    if [ -s "$work/plan.md" ]; then
        cat "$work/plan.md"
    else
        echo "## licensectl plan failed"
        echo
    fi
    if [ "$code" -eq 1 ] && ! grep -q . "$work/plan.md" && [ -s "$work/plan.err" ]; then
        echo '```'
        tail -n 50 "$work/plan.err"
        echo '```'
    fi
    echo
    run_url="${GITHUB_SERVER_URL:-https://github.com}/${GITHUB_REPOSITORY:-}/actions/runs/${GITHUB_RUN_ID:-}"
    case "$code" in
        0) status="no changes" ;;
        2) status="changes to apply on merge" ;;
        *) status="errors: fix them before merging" ;;
    esac
    echo "<sub>licensectl $("$bin" --version 2>/dev/null | head -n 1) at $at for ${GITHUB_SHA:-HEAD}: $status · [run]($run_url)</sub>"
} > "$work/comment.md"

if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    sed '1d' "$work/comment.md" >> "$GITHUB_STEP_SUMMARY"
fi

# 3. Outputs.
if [ -n "${GITHUB_OUTPUT:-}" ]; then
    {
        echo "exit-code=$code"
        echo "changes=$([ "$code" -eq 2 ] && echo true || echo false)"
        echo "plan-markdown=$work/plan.md"
    } >> "$GITHUB_OUTPUT"
fi

# 4. One pull-request comment, updated in place. A failure to comment (a fork's read-only
#    token, no gh) is a warning: the plan's verdict stays the step's result.
pr=""
case "${GITHUB_EVENT_NAME:-}" in
    pull_request|pull_request_target)
        if [[ "${GITHUB_REF:-}" =~ ^refs/pull/([0-9]+)/ ]]; then
            pr="${BASH_REMATCH[1]}"
        elif [ -n "${GITHUB_EVENT_PATH:-}" ] && command -v jq >/dev/null 2>&1; then
            pr="$(jq -r '.pull_request.number // empty' "$GITHUB_EVENT_PATH")"
        fi
        ;;
esac
if [ -n "$pr" ] && [ "${INPUT_COMMENT:-true}" = "true" ]; then
    if ! command -v gh >/dev/null 2>&1; then
        echo "::warning title=licensectl::gh (GitHub CLI) not found: the plan comment was not posted"
    else
        export GH_TOKEN="${GH_TOKEN:-${GITHUB_TOKEN:-}}"
        repo="${GITHUB_REPOSITORY:?GITHUB_REPOSITORY is not set}"
        ids="$(gh api --paginate "repos/$repo/issues/$pr/comments?per_page=100" \
            --jq ".[] | select(.body | contains(\"$marker\")) | .id" 2> "$work/gh.err")"
        listed=$?
        id="$(printf '%s\n' "$ids" | grep -m 1 -E '^[0-9]+$')"
        if [ "$listed" -ne 0 ]; then
            echo "::warning title=licensectl::cannot read the pull request's comments: $(head -c 300 "$work/gh.err" | tr '\n' ' ')"
        elif [ -n "$id" ]; then
            gh api --method PATCH "repos/$repo/issues/comments/$id" -F "body=@$work/comment.md" > /dev/null 2> "$work/gh.err" \
                || echo "::warning title=licensectl::cannot update the plan comment: $(head -c 300 "$work/gh.err" | tr '\n' ' ')"
        else
            gh api --method POST "repos/$repo/issues/$pr/comments" -F "body=@$work/comment.md" > /dev/null 2> "$work/gh.err" \
                || echo "::warning title=licensectl::cannot post the plan comment: $(head -c 300 "$work/gh.err" | tr '\n' ' ')"
        fi
    fi
fi

if [ "$code" -eq 2 ] && [ "${INPUT_DETAILED_EXITCODE:-false}" != "true" ]; then
    exit 0
fi
exit "$code"
