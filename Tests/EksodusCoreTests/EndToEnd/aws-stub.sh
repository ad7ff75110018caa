#!/usr/bin/env bash
# Stands in for `aws` in the image script's end-to-end test (ImageScriptEndToEndTests), first on PATH:
# logs every call, answers the ECR pull-through cache rule and repository creation template calls that moto does not implement
# from a state folder,
# and hands every other call to the real CLI, pointed at AWS_ENDPOINT_URL (a local moto server) even where the CLI predates that variable.
# Needs AWS_STUB_LOG (one line per call, arguments separated by \x1f), AWS_STUB_STATE (a folder), AWS_STUB_REAL (the real aws)
# and AWS_ENDPOINT_URL.
set -euo pipefail
line=aws
for argument in "$@"; do line+=$'\x1f'"$argument"; done
printf '%s\n' "$line" >> "$AWS_STUB_LOG"

# The value after option $1 among the remaining arguments, or nothing.
option() {
  local name=$1; shift
  while [ $# -gt 0 ]; do
    if [ "$1" = "$name" ]; then printf '%s' "${2:-}"; return; fi
    shift
  done
}
json_string() { python3 -c 'import json, sys; print(json.dumps(sys.argv[1]))' "$1"; }
fail() { echo "An error occurred ($1) when calling the $2 operation: $3" >&2; exit 254; }

rules=$AWS_STUB_STATE/pull-through-cache-rules templates=$AWS_STUB_STATE/repository-creation-templates
mkdir -p "$rules" "$templates"
case "${1:-} ${2:-}" in
  "ecr describe-pull-through-cache-rules")
    prefix=$(option --ecr-repository-prefixes "$@")
    if [ -n "$prefix" ]; then
      rule=$rules/${prefix//\//%}
      [ -f "$rule" ] || fail PullThroughCacheRuleNotFoundException DescribePullThroughCacheRules "no rule for prefix $prefix"
      printf '{"pullThroughCacheRules": [%s]}\n' "$(cat "$rule")"
    else
      printf '{"pullThroughCacheRules": [%s]}\n' "$(find "$rules" -type f -exec cat {} + | paste -sd,)"
    fi
    ;;
  "ecr create-pull-through-cache-rule")
    prefix=$(option --ecr-repository-prefix "$@")
    upstream=$(option --upstream-registry-url "$@")
    credential=$(option --credential-arn "$@")
    [ -n "$prefix" ] || fail InvalidParameterException CreatePullThroughCacheRule "--ecr-repository-prefix is required"
    [ -n "$upstream" ] || fail InvalidParameterException CreatePullThroughCacheRule "--upstream-registry-url is required"
    rule=$rules/${prefix//\//%}
    [ ! -f "$rule" ] || fail PullThroughCacheRuleAlreadyExistsException CreatePullThroughCacheRule "prefix $prefix exists"
    printf '{"ecrRepositoryPrefix": %s, "upstreamRegistryUrl": %s, "credentialArn": %s}' \
      "$(json_string "$prefix")" "$(json_string "$upstream")" "$(json_string "$credential")" > "$rule"
    cat "$rule"; echo
    ;;
  "ecr describe-repository-creation-templates")
    prefix=$(option --prefixes "$@")
    template=$templates/${prefix//\//%}
    [[ -n $prefix && -f $template ]] || fail TemplateNotFoundException DescribeRepositoryCreationTemplates "no template for prefix $prefix"
    # The one query the image script asks: the found template's prefix, as text.
    if [ "$(option --query "$@")" = 'repositoryCreationTemplates[0].prefix' ]; then printf '%s\n' "$prefix"; exit 0; fi
    printf '{"repositoryCreationTemplates": [%s]}\n' "$(cat "$template")"
    ;;
  "ecr create-repository-creation-template")
    prefix=$(option --prefix "$@")
    [ -n "$prefix" ] || fail InvalidParameterException CreateRepositoryCreationTemplate "--prefix is required"
    [ "$(option --applied-for "$@")" = PULL_THROUGH_CACHE ] || fail InvalidParameterException CreateRepositoryCreationTemplate "--applied-for PULL_THROUGH_CACHE expected"
    template=$templates/${prefix//\//%}
    [ ! -f "$template" ] || fail TemplateAlreadyExistsException CreateRepositoryCreationTemplate "prefix $prefix exists"
    printf '{"prefix": %s, "imageTagMutability": %s, "encryptionConfiguration": %s, "lifecyclePolicy": %s}' "$(json_string "$prefix")" \
      "$(json_string "$(option --image-tag-mutability "$@")")" "$(json_string "$(option --encryption-configuration "$@")")" \
      "$(json_string "$(option --lifecycle-policy "$@")")" > "$template"
    cat "$template"; echo
    ;;
  *) exec "$AWS_STUB_REAL" --endpoint-url "$AWS_ENDPOINT_URL" "$@" ;;
esac
