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
#   GITHUB_TOKEN             token for the comment (pull-requests: write), through `gh api`, or
#                            curl and jq where gh is missing (LICENSECTL_ACTION_HTTP=gh|curl)
#   GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, GITHUB_EVENT_NAME, GITHUB_REF, GITHUB_EVENT_PATH,
#   GITHUB_REPOSITORY, GITHUB_SERVER_URL, GITHUB_RUN_ID, GITHUB_SHA
set -uo pipefail

bin="${LICENSECTL:-licensectl}"
dir="${INPUT_DIRECTORY:-.}"
at="${INPUT_AT:-$(date -u +%Y-%m-%dT%H:%M:%SZ)}"
read -r -a extra <<< "${INPUT_ARGS:-}"
work="$(mktemp -d "${RUNNER_TEMP:-/tmp}/licensectl-pr.XXXXXX")"
# The scratch folder goes on every exit (newcomer run 8: licensectl-pr.* folders stayed behind);
# only the Markdown plan of the `plan-markdown` output outlives the step, as one file.
trap 'rm -rf "$work"' EXIT
marker="<!-- licensectl-plan: $dir -->"

if ! command -v "$bin" >/dev/null 2>&1; then
    echo "::error title=licensectl::licensectl is not installed (run the action with command: install first, or set LICENSECTL)"
    exit 1
fi

# 1. Annotations. `plan --format github` prints the plan's diagnostics (errors and warnings of
#    every tenant) as workflow commands and the text plan after; older releases only have
#    `validate --format github` (manifest and CSV errors, no state).
# (The help is read whole first: `grep -q` stops at the first match and would cut the pipe.)
plan_help=$("$bin" plan --help 2>/dev/null || true)
if grep -qw github <<<"$plan_help"; then
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
# `plan --format github` above already ended its output with the verdict ("Plan refused: 1
# error, 0 warnings; nothing can be applied…"): the log says it once (newcomer run 8).
if grep -qw github <<<"$plan_help"; then
    grep -v '^Plan refused: ' "$work/plan.err" >&2
else
    cat "$work/plan.err" >&2
fi
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
    plan_md="$(mktemp "${RUNNER_TEMP:-/tmp}/licensectl-plan.XXXXXX")"
    cp "$work/plan.md" "$plan_md"
    {
        echo "exit-code=$code"
        echo "changes=$([ "$code" -eq 2 ] && echo true || echo false)"
        echo "plan-markdown=$plan_md"
    } >> "$GITHUB_OUTPUT"
fi

# 4. One pull-request comment, updated in place. A failure to comment (a fork's read-only
#    token) is a warning: the plan's verdict stays the step's result.
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
warn() { echo "::warning title=licensectl::$1: $(head -c 300 "$work/http.err" | tr '\n' ' ')"; }

# Through the GitHub CLI (on every GitHub-hosted runner).
comment_with_gh() {
    export GH_TOKEN="${GH_TOKEN:-${GITHUB_TOKEN:-}}"
    local ids id
    ids="$(gh api --paginate "repos/$repo/issues/$pr/comments?per_page=100" \
        --jq ".[] | select(.body | contains(\"$marker\")) | .id" 2> "$work/http.err")" \
        || { warn "cannot read the pull request's comments"; return; }
    id="$(printf '%s\n' "$ids" | grep -m 1 -E '^[0-9]+$')"
    if [ -n "$id" ]; then
        gh api --method PATCH "repos/$repo/issues/comments/$id" -F "body=@$work/comment.md" > /dev/null 2> "$work/http.err" \
            || warn "cannot update the plan comment"
    else
        gh api --method POST "repos/$repo/issues/$pr/comments" -F "body=@$work/comment.md" > /dev/null 2> "$work/http.err" \
            || warn "cannot post the plan comment"
    fi
}

# Through curl and jq with GITHUB_TOKEN (containers and self-hosted runners without gh).
comment_with_curl() {
    local api="${GITHUB_API_URL:-https://api.github.com}" page id="" list
    local -a headers=(-H "Authorization: Bearer ${GITHUB_TOKEN:-}" -H "Accept: application/vnd.github+json"
        -H "X-GitHub-Api-Version: 2022-11-28")
    command -v jq >/dev/null 2>&1 || { echo "jq not found" > "$work/http.err"; warn "cannot post the plan comment"; return; }
    for page in 1 2 3 4 5 6 7 8 9 10; do
        list="$(curl -fsS "${headers[@]}" "$api/repos/$repo/issues/$pr/comments?per_page=100&page=$page" 2> "$work/http.err")" \
            || { warn "cannot read the pull request's comments"; return; }
        id="$(printf '%s' "$list" | jq -r --arg m "$marker" '[.[] | select(.body | contains($m)) | .id][0] // empty')"
        [ -z "$id" ] && [ "$(printf '%s' "$list" | jq 'length')" -eq 100 ] || break
    done
    jq -Rs '{body: .}' < "$work/comment.md" > "$work/comment.json"
    if [ -n "$id" ]; then
        curl -fsS -X PATCH "${headers[@]}" --data-binary "@$work/comment.json" "$api/repos/$repo/issues/comments/$id" \
            > /dev/null 2> "$work/http.err" || warn "cannot update the plan comment"
    else
        curl -fsS -X POST "${headers[@]}" --data-binary "@$work/comment.json" "$api/repos/$repo/issues/$pr/comments" \
            > /dev/null 2> "$work/http.err" || warn "cannot post the plan comment"
    fi
}

if [ -n "$pr" ] && [ "${INPUT_COMMENT:-true}" = "true" ]; then
    repo="${GITHUB_REPOSITORY:?GITHUB_REPOSITORY is not set}"
    # LICENSECTL_ACTION_HTTP=gh|curl chooses; by default gh when it is installed.
    via="${LICENSECTL_ACTION_HTTP:-}"
    [ -n "$via" ] || { command -v gh >/dev/null 2>&1 && via=gh || via=curl; }
    if [ "$via" = gh ]; then comment_with_gh; else comment_with_curl; fi
fi

if [ "$code" -eq 2 ] && [ "${INPUT_DETAILED_EXITCODE:-false}" != "true" ]; then
    exit 0
fi
exit "$code"
