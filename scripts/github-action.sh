#!/usr/bin/env bash
# The GitHub Action's work (action.yml runs this): lint the migrations a pull request or push changes, with
# annotations on the diff, optionally a SARIF file for code scanning and one review comment on the pull request. Inputs come as INPUT_* variables, the
# rest from the environment GitHub sets (GITHUB_EVENT_NAME, GITHUB_BASE_REF, GITHUB_EVENT_PATH, GITHUB_OUTPUT …).
set -uo pipefail

log() { printf '%s\n' "$*" >&2; }

# How to run migralint: INPUT_COMMAND (tests), else the action's own checkout at the ref the workflow pinned —
# nothing is fetched from npm. A checkout without a build (a branch ref) installs and builds; a release ref that
# carries dist/ installs production dependencies only.
if [[ -n "${INPUT_COMMAND:-}" ]]; then
  read -r -a MIGRALINT <<<"$INPUT_COMMAND"
else
  if [[ ! -f "$ACTION_PATH/dist/cli.cjs" ]]; then
    log "migralint: building the action's checkout"
    (cd "$ACTION_PATH" && npm ci --no-audit --no-fund --loglevel=error >&2) || { log "migralint: could not install and build the action in $ACTION_PATH"; exit 2; }
  elif [[ ! -d "$ACTION_PATH/node_modules" ]]; then
    (cd "$ACTION_PATH" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >&2) || { log "migralint: could not install the action's dependencies in $ACTION_PATH"; exit 2; }
  fi
  MIGRALINT=(node "$ACTION_PATH/bin/migralint.js")
fi

cd "${INPUT_WORKING_DIRECTORY:-${GITHUB_WORKSPACE:-.}}" || { log "migralint: cannot enter ${INPUT_WORKING_DIRECTORY:-$GITHUB_WORKSPACE}"; exit 2; }

# Which ref to compare with: the input, else the pull request's base branch, else the push's previous commit.
base="${INPUT_BASE_REF:-}"
if [[ -z "$base" && "${INPUT_CHANGED_ONLY:-true}" == "true" ]]; then
  if [[ -n "${GITHUB_BASE_REF:-}" ]]; then
    base="origin/${GITHUB_BASE_REF}"
  elif [[ "${GITHUB_EVENT_NAME:-}" == "push" && -n "${GITHUB_EVENT_PATH:-}" && -f "${GITHUB_EVENT_PATH}" ]]; then
    before="$(node -p "JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8')).before || ''" "$GITHUB_EVENT_PATH")"
    # A new branch has no previous commit (all zeros): lint everything.
    if [[ -n "$before" && ! "$before" =~ ^0+$ ]]; then base="$before"; fi
  fi
fi

# actions/checkout fetches one commit by default: fetch the base and deepen until the merge base is there.
if [[ -n "$base" ]]; then
  if ! git rev-parse --verify --quiet "${base}^{commit}" >/dev/null; then
    if [[ "$base" == origin/* ]]; then
      git fetch --no-tags --quiet --depth=50 origin "+refs/heads/${base#origin/}:refs/remotes/${base}" || log "migralint: could not fetch ${base}"
    else
      git fetch --no-tags --quiet --depth=50 origin "$base" || log "migralint: could not fetch ${base}"
    fi
  fi
  deepen() {
    local refs=()
    [[ "$base" == origin/* ]] && refs+=("+refs/heads/${base#origin/}:refs/remotes/${base}")
    local head="${GITHUB_HEAD_REF:-${GITHUB_REF_NAME:-}}"
    [[ -n "$head" ]] && refs+=("+refs/heads/${head}:refs/remotes/origin/${head}")
    git fetch --no-tags --quiet --deepen="$1" origin "${refs[@]}" 2>/dev/null
  }
  if [[ "$(git rev-parse --is-shallow-repository 2>/dev/null)" == "true" ]]; then
    for _ in 1 2 3 4 5; do
      git merge-base "$base" HEAD >/dev/null 2>&1 && break
      deepen 200 || break
    done
    git merge-base "$base" HEAD >/dev/null 2>&1 || git fetch --no-tags --quiet --unshallow origin 2>/dev/null || true
  fi
fi

args=()
[[ -n "$base" ]] && args+=(--changed-since "$base")
[[ -n "${INPUT_CONFIG:-}" ]] && args+=(--config "$INPUT_CONFIG")
[[ -n "${INPUT_MAX_WARNINGS:-}" ]] && args+=(--max-warnings "$INPUT_MAX_WARNINGS")
if [[ -n "${INPUT_EXTRA_ARGS:-}" ]]; then read -r -a extra <<<"$INPUT_EXTRA_ARGS"; args+=("${extra[@]}"); fi

# Table sizes: a database is read once into a snapshot both runs below use.
sizes=()
if [[ -n "${INPUT_DATABASE_URL:-}" ]]; then
  stats_file="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/migralint-stats.json"
  if MIGRALINT_DATABASE_URL="$INPUT_DATABASE_URL" "${MIGRALINT[@]}" stats -o "$stats_file"; then
    sizes=(--stats "$stats_file")
  elif [[ "${INPUT_STATS_OPTIONAL:-false}" == "true" ]]; then
    log "migralint: linting without table sizes"
  else
    exit 2
  fi
elif [[ -n "${INPUT_STATS:-}" ]]; then
  sizes=(--stats "$INPUT_STATS")
  [[ "${INPUT_STATS_OPTIONAL:-false}" == "true" ]] && sizes+=(--stats-optional)
fi

read -r -a paths <<<"${INPUT_PATHS:-}"

if [[ "${INPUT_SARIF:-false}" == "true" ]]; then
  sarif_file="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/migralint.sarif"
  "${MIGRALINT[@]}" "${paths[@]}" "${args[@]}" "${sizes[@]}" --format sarif --output-file "$sarif_file" >/dev/null 2>&1
  sarif_code=$?
  if [[ $sarif_code -le 1 && -f "$sarif_file" ]]; then
    [[ -n "${GITHUB_OUTPUT:-}" ]] && echo "sarif-file=$sarif_file" >>"$GITHUB_OUTPUT"
  fi
fi

# The review comment: one per pull request, edited in place on every run (needs pull-requests: write).
if [[ "${INPUT_COMMENT:-false}" == "true" ]]; then
  report_file="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/migralint-report.md"
  rm -f "$report_file"
  if [[ "${INPUT_TRACE:-false}" == "true" ]]; then
    # The trace's review: the whole history runs on the embedded PostgreSQL the package's optional dependency
    # brings (no database service); the comment covers the changed migrations, as the lint's does.
    trace_args=(trace "${paths[@]}" --format markdown)
    [[ -n "$base" ]] && trace_args+=(--changed-since "$base")
    [[ -n "${INPUT_CONFIG:-}" ]] && trace_args+=(--config "$INPUT_CONFIG")
    [[ ${#sizes[@]} -gt 0 && "${sizes[0]}" == "--stats" ]] && trace_args+=(--stats "${sizes[1]}")
    "${MIGRALINT[@]}" "${trace_args[@]}" >"$report_file.tmp"
    trace_code=$?
    [[ -n "${GITHUB_OUTPUT:-}" ]] && echo "trace-exit-code=$trace_code" >>"$GITHUB_OUTPUT"
    if [[ $trace_code -le 1 ]]; then
      mv "$report_file.tmp" "$report_file"
    else
      rm -f "$report_file.tmp"
      log "migralint: the trace could not run (exit $trace_code): commenting with the lint's review"
    fi
  fi
  [[ -f "$report_file" ]] || "${MIGRALINT[@]}" "${paths[@]}" "${args[@]}" "${sizes[@]}" --format markdown --output-file "$report_file" >/dev/null 2>&1
  if [[ -f "$report_file" ]]; then
    node "$ACTION_PATH/bin/migralint-comment.js" github --report "$report_file" --when-clean "${INPUT_COMMENT_WHEN_CLEAN:-update}"
  else
    log "migralint: no report to comment with"
  fi
fi

# The report for the log; inside Actions it also prints the annotations. Its exit code is the step's.
"${MIGRALINT[@]}" "${paths[@]}" "${args[@]}" "${sizes[@]}"
code=$?
[[ -n "${GITHUB_OUTPUT:-}" ]] && echo "exit-code=$code" >>"$GITHUB_OUTPUT"
exit "$code"
