/// The image migration list: every distinct image the plan's workloads run, where it goes in Amazon ECR and how.
public struct ImageMigration: Sendable, Codable {
    public enum Method: String, Sendable, Codable {
        case pullThroughCache = "pull-through-cache"
        case copy
        case none = "none"
        /// Not an image reference: listed with the reason, never written into the script.
        case rejected
    }

    public struct Entry: Sendable, Codable {
        /// What a copy reads: the source by digest where the manifest pins one, else by its tag. Never both: the
        /// containers/image library (skopeo) refuses a reference with a tag and a digest.
        var copySourceReference: String {
            image.registry + "/" + image.repository + (image.digest.map { "@" + $0 } ?? ":" + (image.effectiveTag ?? "latest"))
        }
        /// A copy by tag of `:latest` or of no tag: the source's tag moves, while ECR keeps what was copied.
        var movesTag: Bool { image.digest == nil && (image.tag == nil || image.tag == "latest") }
        /// The tag a copy writes in ECR (with --preserve-digests the digest is kept). A digest-only image gets its own digest
        /// as the tag (`sha256-<64 hex>`, 71 characters: within the 128 of a tag in the distribution grammar and ECR's 300),
        /// so two digests of one repository never meet on one immutable tag. build() refused every digest but sha256.
        var copyTargetTag: String {
            if let tag = sharedTagMovedTo ?? image.tag { return tag }
            guard let digest = image.digest else { return "latest" }
            return "sha256-" + digest.dropFirst("sha256:".count)
        }

        public var image: ImageReference
        /// dockerhub, public-cached (an upstream ECR can cache), other-public, private, ecr.
        public var sourceClass: String
        public var method: Method
        public var repository: String
        public var targetReference: String
        public var pullThroughPrefix: String?
        public var upstreamURL: String?
        public var needsCredentials: Bool
        /// The upstream is an ECR registry of another account: ECR assumes an IAM role to pull from it.
        public var needsRole = false
        public var workloads: [String]
        public var clusters: [String]
        public var warnings: [String]
        /// The tag a digest-pinned copy writes instead of its own, which another image of its repository also writes
        /// (`ImageMigration+DistinctTags`); nil for every other image (and in a plan stored before it).
        public var sharedTagMovedTo: String? = nil

        /// The digest the move pins: the manifest's, else the one resolved when the image is copied or first pulled.
        public var digestNote: String {
            if let digest = image.digest { return digest }
            switch method {
            case .copy: return "resolved at copy time"
            case .pullThroughCache: return "resolved at the first pull through the cache"
            case .none: return "not pinned (already in this registry)"
            case .rejected: return ""
            }
        }
    }

    /// What the role that first pulls an image through the cache (the EKS node role, or the puller's IRSA or Pod Identity
    /// role) needs, besides pulling: ECR imports the image and creates its repository on that first pull (ECR User Guide,
    /// "IAM permissions required to sync an upstream registry").
    public static let firstPullPermissions = "the role that first pulls through the cache (the EKS node role) needs ecr:BatchImportUpstreamImage and ecr:CreateRepository on the cached repositories"

    public var region: String
    public var accountID: String
    public var prefix: String
    public var entries: [Entry]

    /// The private registry's host; China regions use `amazonaws.com.cn`.
    public var registryHost: String { "\(accountID).dkr.ecr.\(region).\(AWSPartition.of(region: region).dnsSuffix)" }

    /// Builds the list from (image reference, workload label, cluster) uses.
    public static func build(uses: [(image: String, workload: String, cluster: String)], reference: ReferenceData,
                             region: String, accountID: String, prefix: String) -> ImageMigration {
        let host = "\(accountID).dkr.ecr.\(region).\(AWSPartition.of(region: region).dnsSuffix)"
        var byNormalized: [String: (ImageReference, Set<String>, Set<String>)] = [:]
        // Each distinct reference parsed and checked once: a large estate has tens of thousands of uses of a few thousand.
        var parsed: [String: (image: ImageReference, problem: String?, key: String)] = [:]
        for use in uses {
            let known: (image: ImageReference, problem: String?, key: String)
            if let found = parsed[use.image] {
                known = found
            } else {
                guard !use.image.trimmingWhitespace().isEmpty else { continue }
                let image = ImageReference(use.image), problem = ImageReference.problem(with: use.image)
                // A reference that does not parse keeps its own entry: its lenient split could match a valid image's.
                known = (image, problem, problem == nil ? image.normalized : "\u{0}" + use.image)
                parsed[use.image] = known
            }
            // In place: a copy of the entry would copy its sets at every use.
            byNormalized[known.key, default: (known.image, [], [])].1.insert(use.workload)
            byNormalized[known.key, default: (known.image, [], [])].2.insert(use.cluster)
        }
        let entries = byNormalized.keys.sorted().compactMap { key -> Entry? in
            guard let (image, workloads, clusters) = byNormalized[key] else { return nil }
            if let problem = parsed[image.original]?.problem ?? Self.digestProblem(image) {
                return Entry(image: image, sourceClass: "invalid", method: .rejected, repository: "", targetReference: "", pullThroughPrefix: nil,
                             upstreamURL: nil, needsCredentials: false, needsRole: false, workloads: workloads.sorted(), clusters: clusters.sorted(),
                             warnings: ["not migrated: \(problem)"])
            }
            var warnings: [String] = []
            if image.tag == nil && image.digest == nil { warnings.append("no tag (pulls :latest)") }
            if image.tag == "latest" { warnings.append(":latest") }
            if image.digest == nil { warnings.append("no digest") }
            // A cache rule serves `prefix/<the upstream path>` exactly: a path ECR cannot name (`shop--team`, `a__b`) would be
            // cleaned into another repository's path (`shop-team`), and the cache would pull that one. Such an image is copied.
            let found = reference.pullThroughUpstream(for: image.registry)
            let upstream = found.flatMap { ecrRepositoryName($0.prefix + "/" + image.repository) == $0.prefix + "/" + image.repository ? $0 : nil }
            if found != nil && upstream == nil && image.registry != host {
                warnings.append("its path is no ECR repository name, so a pull-through cache would serve another repository: copied instead")
            }
            let sourceClass: String
            let method: Method
            var repository: String
            var needsRole = false
            if image.registry == host {
                sourceClass = "ecr"
                method = .none
                repository = image.repository
            } else if let upstream {
                // Another account's or Region's ECR is a pull-through upstream too; another account's needs a role.
                sourceClass = ImageRegistry.isECR(image.registry) ? "ecr-other" : image.isDockerHub ? "dockerhub" : "public-cached"
                method = .pullThroughCache
                repository = upstream.prefix + "/" + image.repository
                needsRole = upstream.auth == .role && image.registry.split(separator: ".").first.map(String.init) != accountID
            } else if ImageRegistry.isECR(image.registry) {
                sourceClass = "ecr"
                method = .none
                repository = image.repository
            } else {
                sourceClass = ImageRegistry.isPublic(image.registry) ? "other-public" : "private"
                method = .copy
                repository = ecrRepositoryName(prefix + image.registry + "/" + image.repository)
            }
            repository = ecrRepositoryName(repository)
            let target = method == .none ? image.normalized : Self.target(of: image, in: host, repository: repository)
            return Entry(image: image, sourceClass: sourceClass, method: method, repository: repository, targetReference: target,
                         pullThroughPrefix: method == .pullThroughCache ? upstream?.prefix : nil, upstreamURL: upstream?.upstreamURL,
                         needsCredentials: method == .pullThroughCache && (upstream?.credentials ?? false), needsRole: needsRole,
                         workloads: workloads.sorted(), clusters: clusters.sorted(), warnings: warnings)
        }
        return ImageMigration(region: region, accountID: accountID, prefix: prefix,
                              entries: distinctTags(distinctRepositories(refusingSharedPrefixes(entries), host: host, prefix: prefix), host: host))
    }

    /// Where an image lands: its repository in the registry `host`, with its tag and digest (a digest-pinned image keeps
    /// its tag beside the digest; a pull by digest ignores it).
    static func target(of image: ImageReference, in host: String, repository: String) -> String {
        let suffix = image.digest.map { "@" + $0 } ?? ":" + (image.effectiveTag ?? "latest")
        let tagged = image.tag.map { ":" + $0 } ?? ""
        return host + "/" + repository + (image.digest != nil ? tagged + suffix : suffix)
    }

    /// Why a digest cannot pin the copy: ECR stores, and its copies and pulls name, sha256 digests only (`sha256:` and 64
    /// lower-case hex digits, the OCI image spec's form of it). Another algorithm (`sha512:`) is valid in the reference
    /// grammar, but the copy would find no such digest and stop the whole script.
    static func digestProblem(_ image: ImageReference) -> String? {
        guard let digest = image.digest else { return nil }
        let hex = digest.utf8.dropFirst(7)
        if digest.hasPrefix("sha256:"), hex.count == 64,
           hex.allSatisfy({ ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f")) }) {
            return nil
        }
        let algorithm = digest.prefix { $0 != ":" }
        return algorithm == "sha256" ? "a sha256 digest is 64 lower-case hex digits"
            : "digest algorithm \(algorithm): ECR and the copy pin sha256 digests only; pin the image by its sha256 digest"
    }

    /// The last line of defence for pull-through rules: a rule sends every repository under its prefix to one upstream,
    /// so two upstreams on one prefix would let one registry serve the other's images. Their images are not migrated.
    static func refusingSharedPrefixes(_ entries: [Entry]) -> [Entry] {
        var upstreams: [String: Set<String>] = [:]
        for entry in entries where entry.method == .pullThroughCache {
            upstreams[entry.pullThroughPrefix ?? "", default: []].insert(entry.upstreamURL ?? "")
        }
        let shared = upstreams.filter { $0.value.count > 1 }
        guard !shared.isEmpty else { return entries }
        return entries.map { entry in
            guard entry.method == .pullThroughCache, let prefix = entry.pullThroughPrefix, let others = shared[prefix] else { return entry }
            var refused = entry
            refused.method = .rejected
            refused.repository = ""
            refused.targetReference = ""
            refused.pullThroughPrefix = nil
            refused.needsCredentials = false
            refused.needsRole = false
            refused.warnings = ["not migrated: pull-through prefix \(prefix) would serve \(others.count) upstreams (\(others.sorted().joined(separator: ", "))); "
                + "move this image by hand"]
            return refused
        }
    }

    /// A name ECR accepts (see `ECRRepositoryName`).
    public static func ecrRepositoryName(_ text: String) -> String { ECRRepositoryName.make(text) }

    public var table: Table {
        Table(columns: ["image", "source", "method", "ecr_repository", "target", "workloads", "clusters", "warnings"], rows: entries.map { entry in
            [.text(entry.image.original), .text(entry.sourceClass), .text(entry.method.rawValue), .text(entry.repository), .text(entry.targetReference),
             .list(entry.workloads, shown: entry.workloads.joined(separator: " ")), .list(entry.clusters, shown: entry.clusters.joined(separator: " ")),
             .text(entry.warnings.joined(separator: "; "))]
        }, wideColumns: ["ecr_repository", "workloads"])
    }

    public enum CopyTool: String, CaseIterable, Sendable { case skopeo, crane }

    /// An idempotent bash script: pull-through cache rules (with the Secrets Manager secrets or IAM role they need) for the
    /// upstreams that can use one, then for every other image its ECR repository (created where missing) and a
    /// multi-architecture copy by digest — resolved on the source when the manifest names only a tag — so that what runs on
    /// EKS is what ran before. Images already there under that tag and digest are skipped.
    public func script(tool: CopyTool = .skopeo, generatedAt: String) -> String {
        // Every value is single-quoted where it is written, and comments carry only eksodus's own words, never input.
        let quote = Self.shellQuote
        let rules = Dictionary(grouping: entries.filter { $0.method == .pullThroughCache }, by: { $0.pullThroughPrefix ?? "" })
        let secrets = rules.values.contains { $0.contains(where: \.needsCredentials) }
        var lines = [
            "#!/usr/bin/env bash",
            "# Image migration to Amazon ECR, generated by eksodus on \(generatedAt.visibleLine).",
            "# Safe to run again: existing secrets, rules, repositories and images are left as they are.",
            "# Needs: aws CLI v2 with credentials for account \(accountID.visibleLine), and \(tool == .skopeo ? "skopeo" : "crane")"
                + (secrets ? ", jq" : "") + "; logged in to the source registries.",
            "# Images are copied by digest: a tag is resolved on the source at copy time, and the digest is what lands in ECR.",
        ]
        if !rules.isEmpty {
            lines += [
                "# Pull-through cache: \(Self.firstPullPermissions).",
                "# Credentials for an upstream are read from environment variables (named at each rule), never written here;",
                "# ECR requires their Secrets Manager secret to be named ecr-pullthroughcache/… in this account and Region.",
            ]
        }
        lines += [
            "set -euo pipefail",
            "",
            "DEFAULT_REGION=\(quote(region))",
            "DEFAULT_ACCOUNT_ID=\(quote(accountID))",
            "REGION=\"${REGION:-$DEFAULT_REGION}\"",
            "ACCOUNT_ID=\"${ACCOUNT_ID:-$DEFAULT_ACCOUNT_ID}\"",
            "# EKSODUS_REGISTRY names another target registry (a mirror, or a local one in a test).",
            "DNS_SUFFIX=\(quote(AWSPartition.of(region: region).dnsSuffix))",
            "REGISTRY=\"${EKSODUS_REGISTRY:-${ACCOUNT_ID}.dkr.ecr.${REGION}.${DNS_SUFFIX}}\"",
            "",
            "# EKSODUS_INSECURE_REGISTRIES=1 turns TLS verification off, for plain-HTTP or self-signed registries only (a local test registry).",
            "tls_flags=() copy_tls_flags=()",
            "if [ \"${EKSODUS_INSECURE_REGISTRIES:-}\" = 1 ]; then",
            tool == .skopeo ? "  tls_flags=(--tls-verify=false) copy_tls_flags=(--src-tls-verify=false --dest-tls-verify=false)"
                            : "  tls_flags=(--insecure) copy_tls_flags=(--insecure)",
            "fi",
            "",
        ]
        lines += tool == .skopeo
            ? ["aws ecr get-login-password --region \"$REGION\" | skopeo login \"${tls_flags[@]}\" --username AWS --password-stdin \"$REGISTRY\""]
            : ["aws ecr get-login-password --region \"$REGION\" | crane auth login \"${tls_flags[@]}\" \"$REGISTRY\" --username AWS --password-stdin"]
        lines += [
            "",
            "# Repositories eksodus creates: immutable tags (a copied tag can never be moved to other bytes), encrypted with",
            "# AES256, or the KMS key ECR_KMS_KEY names. Scanning is the registry's (set_registry_scanning). No lifecycle policy:",
            "# a rule that expires tagged images by count removes rollback targets and digest-pinned images (a new node then",
            "# cannot pull them), and one for untagged images may take a multi-platform index's children: a decision in plan:ecr.",
            "ENCRYPTION=encryptionType=AES256",
            "if [ -n \"${ECR_KMS_KEY:-}\" ]; then ENCRYPTION=\"encryptionType=KMS,kmsKey=${ECR_KMS_KEY}\"; fi",
            "",
            "# Basic scan on push for every repository, set once for the registry; an ENHANCED (Amazon Inspector) configuration is kept.",
            "set_registry_scanning() {",
            "  local type filters",
            "  type=$(aws ecr get-registry-scanning-configuration --region \"$REGION\" --query scanningConfiguration.scanType --output text)",
            "  if [ \"$type\" = ENHANCED ]; then echo \"registry scanning ENHANCED, kept\"; return; fi",
            "  filters=$(aws ecr get-registry-scanning-configuration --region \"$REGION\" --output text \\",
            "    --query \"scanningConfiguration.rules[?scanFrequency=='SCAN_ON_PUSH'].repositoryFilters[].filter\")",
            "  if tr '\\t' '\\n' <<<\"$filters\" | grep -qxF '*'; then return; fi",
            "  aws ecr put-registry-scanning-configuration --region \"$REGION\" --scan-type BASIC --rules \(quote(Self.scanOnPushRules)) >/dev/null",
            "}",
            "set_registry_scanning",
            "",
            "ensure_repository() {",
            "  local mutability",
            "  mutability=$(aws ecr describe-repositories --region \"$REGION\" --repository-names \"$1\" --query 'repositories[0].imageTagMutability' --output text 2>/dev/null || true)",
            "  if [ -n \"$mutability\" ]; then",
            "    if [ \"$mutability\" != IMMUTABLE ]; then",
            "      echo \"warning: repository $1 exists with $mutability tags: a copied tag there can be moved (aws ecr put-image-tag-mutability --image-tag-mutability IMMUTABLE)\" >&2",
            "    fi",
            "    return",
            "  fi",
            "  aws ecr create-repository --region \"$REGION\" --repository-name \"$1\" --image-tag-mutability IMMUTABLE --encryption-configuration \"$ENCRYPTION\" >/dev/null",
            "}",
            "",
        ]
        if secrets {
            lines += [
                "# Prints the ARN of Secrets Manager secret $1, created from environment variables $2 (user name) and $3 (access token).",
                "ensure_secret() {",
                "  local name=$1 user_var=$2 token_var=$3 arn",
                "  arn=$(aws secretsmanager describe-secret --region \"$REGION\" --secret-id \"$name\" --query ARN --output text 2>/dev/null || true)",
                "  if [ -n \"$arn\" ]; then echo \"$arn\"; return; fi",
                "  if [ -z \"${!user_var:-}\" ] || [ -z \"${!token_var:-}\" ]; then",
                "    echo \"export ${user_var} and ${token_var} (the upstream registry's user name and access token) to create ${name}\" >&2",
                "    return 1",
                "  fi",
                "  arn=$(jq -n \"{username: env.${user_var}, accessToken: env.${token_var}}\" \\",
                "    | aws secretsmanager create-secret --region \"$REGION\" --name \"$name\" --secret-string file:///dev/stdin --query ARN --output text)",
                "  if [ -z \"$arn\" ]; then echo \"no ARN returned for ${name}\" >&2; return 1; fi",
                "  echo \"$arn\"",
                "}",
                "",
            ]
        }
        if !rules.isEmpty {
            lines += [
                "# The settings of the repositories a pull-through rule creates on first pull: a repository creation template for its",
                "# prefix (ECR User Guide, \"Private repository creation templates\"), made before the rule so that the first pull uses it.",
                "# Immutable tags: a cached tag keeps the digest of its first pull. A KMS key there needs ECR_TEMPLATE_ROLE_ARN, the role ECR uses.",
                "ensure_creation_template() {",
                "  local found extra=()",
                "  found=$(aws ecr describe-repository-creation-templates --region \"$REGION\" --prefixes \"$1\" --query 'repositoryCreationTemplates[0].prefix' --output text 2>/dev/null || true)",
                "  if [ \"$found\" = \"$1\" ]; then return; fi",
                "  if [ -n \"${ECR_KMS_KEY:-}\" ]; then",
                "    if [ -z \"${ECR_TEMPLATE_ROLE_ARN:-}\" ]; then echo \"export ECR_TEMPLATE_ROLE_ARN: ECR needs a role to use ECR_KMS_KEY in the template for $1\" >&2; return 1; fi",
                "    extra+=(--custom-role-arn \"$ECR_TEMPLATE_ROLE_ARN\")",
                "  fi",
                "  aws ecr create-repository-creation-template --region \"$REGION\" --prefix \"$1\" --applied-for PULL_THROUGH_CACHE \\",
                "    --image-tag-mutability IMMUTABLE --encryption-configuration \"$ENCRYPTION\" \\",
                "    ${extra[@]+\"${extra[@]}\"} >/dev/null",
                "}",
                "",
                "# ensure_pull_through_rule PREFIX UPSTREAM [SECRET USER_VAR TOKEN_VAR] [ROLE_VAR]",
                "ensure_pull_through_rule() {",
                "  local prefix=$1 upstream=$2 secret=${3:-} user_var=${4:-} token_var=${5:-} role_var=${6:-} arn",
                "  if aws ecr describe-pull-through-cache-rules --region \"$REGION\" --ecr-repository-prefixes \"$prefix\" >/dev/null 2>&1; then return; fi",
                "  local extra=()",
                "  if [ -n \"$secret\" ]; then",
                "    arn=$(ensure_secret \"$secret\" \"$user_var\" \"$token_var\")",
                "    extra+=(--credential-arn \"$arn\")",
                "  fi",
                "  if [ -n \"$role_var\" ]; then",
                "    if [ -z \"${!role_var:-}\" ]; then echo \"export ${role_var}: the IAM role ECR assumes to pull from ${upstream}\" >&2; return 1; fi",
                "    extra+=(--custom-role-arn \"${!role_var}\")",
                "  fi",
                "  aws ecr create-pull-through-cache-rule --region \"$REGION\" --ecr-repository-prefix \"$prefix\" --upstream-registry-url \"$upstream\" \\",
                "    ${extra[@]+\"${extra[@]}\"} >/dev/null",
                "}",
                "",
            ]
        }
        lines += [
            "# copy_image SOURCE TAG_OR_DIGEST TARGET TARGET_TAG: copies SOURCE@digest, the digest resolved from the tag when not given.",
            "copy_image() {",
            "  local source=$1 reference=$2 target=$3 tag=$4 digest present",
            "  if [[ $reference == *:* ]]; then",
            "    digest=$reference",
            "  else",
        ]
        lines += tool == .skopeo ? [
            "    digest=$(skopeo inspect \"${tls_flags[@]}\" --format '{{.Digest}}' \"docker://${source}:${reference}\")",
            "  fi",
            "  if [[ $digest != sha256:* ]]; then echo \"no digest for ${source}:${reference}\" >&2; return 1; fi",
            "  present=$(skopeo inspect \"${tls_flags[@]}\" --format '{{.Digest}}' \"docker://${target}:${tag}\" 2>/dev/null || true)",
            "  if [ \"$present\" = \"$digest\" ]; then echo \"present  ${target}:${tag}@${digest}\"; return; fi",
            Self.movedTagCheck,
            "  skopeo copy --all --preserve-digests \"${copy_tls_flags[@]}\" \"docker://${source}@${digest}\" \"docker://${target}:${tag}\"",
        ] : [
            "    digest=$(crane digest \"${tls_flags[@]}\" \"${source}:${reference}\")",
            "  fi",
            "  if [[ $digest != sha256:* ]]; then echo \"no digest for ${source}:${reference}\" >&2; return 1; fi",
            "  present=$(crane digest \"${tls_flags[@]}\" \"${target}:${tag}\" 2>/dev/null || true)",
            "  if [ \"$present\" = \"$digest\" ]; then echo \"present  ${target}:${tag}@${digest}\"; return; fi",
            Self.movedTagCheck,
            "  crane copy \"${copy_tls_flags[@]}\" \"${source}@${digest}\" \"${target}:${tag}\"",
        ]
        lines += ["  echo \"copied   ${target}:${tag}@${digest}\"", "}", ""]
        if !rules.isEmpty {
            lines.append("# Pull-through cache rules: EKS pulls these images through ECR, nothing to copy.")
            for prefix in rules.keys.sorted() {
                // build() refused a prefix with more than one upstream: one left here (a hand-built list) is not written either.
                guard let members = rules[prefix], let first = members.first, let upstream = first.upstreamURL,
                      members.allSatisfy({ $0.upstreamURL == upstream }) else { continue }
                var arguments = [quote(prefix), quote(upstream)]
                let variable = "ECR_PTC_" + prefix.uppercased().map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
                if members.contains(where: \.needsCredentials) {
                    arguments += [quote("ecr-pullthroughcache/\(prefix)"), quote(variable + "_USERNAME"), quote(variable + "_TOKEN")]
                    lines.append("# \(members.count) image(s); credentials from $\(variable)_USERNAME and $\(variable)_TOKEN.")
                } else if members.contains(where: \.needsRole) {
                    arguments += ["''", "''", "''", quote(variable + "_ROLE_ARN")]
                    lines.append("# \(members.count) image(s) from another account's ECR: $\(variable)_ROLE_ARN names the role ECR assumes (that registry's policy must allow it).")
                } else {
                    lines.append("# \(members.count) image(s).")
                }
                lines.append("ensure_creation_template " + quote(prefix))
                lines.append("ensure_pull_through_rule " + arguments.joined(separator: " "))
            }
            lines.append("")
        }
        let copies = entries.filter { $0.method == .copy }
        if !copies.isEmpty {
            lines.append("# Images copied into ECR repositories, by digest.")
            for entry in copies {
                let source = entry.image.registry + "/" + entry.image.repository
                let reference = entry.image.digest ?? entry.image.effectiveTag ?? "latest"
                let tag = entry.copyTargetTag
                let notes = entry.warnings.filter { $0 != "no digest" }  // the copy pins the digest
                if !notes.isEmpty { lines.append("# \(notes.joined(separator: ", ").visibleLine)") }
                if entry.movesTag {
                    lines.append("# A moving tag (IMG001): ECR keeps the digest copied now under an immutable \(tag.visibleLine); pin that digest in the manifest.")
                }
                lines.append("ensure_repository \(quote(entry.repository))")
                lines.append("copy_image \(quote(source)) \(quote(reference)) \"${REGISTRY}\"\(quote("/" + entry.repository)) \(quote(tag))")
            }
        }
        let rejected = entries.filter { $0.method == .rejected }.count
        if rejected > 0 {
            lines += ["", "# Left out: \(rejected) image reference(s) that do not parse or cannot move as written (method rejected in eksodus images)."]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// An immutable tag in ECR that holds other bytes than the source's is refused, never overwritten: a pinned tag
    /// whose source moved is a decision (a new tag), not a silent replacement.
    static let movedTagCheck = "  if [ -n \"$present\" ]; then echo \"${target}:${tag} holds ${present}, the source now ${digest}: ECR tags are immutable, copy it under a new tag\" >&2; return 1; fi"

    /// Why eksodus sets no lifecycle policy, said in plan:ecr. Tags are immutable and manifests pin digests, so every
    /// tagged image may be a rollback target or a pinned image a new node must still pull: none expires by count. Untagged
    /// images include a multi-platform index's per-platform manifests, and whether ECR's untagged rules skip what an index
    /// references is not documented (ECR User Guide, lifecycle policy properties: tagStatus; the request to treat an
    /// index's images with it is still open, aws/containers-roadmap#1466): a rule is the team's, after a preview.
    static let lifecycleDecision = "no lifecycle policy is set on the repositories: tagged images never expire (rollback targets and digest-pinned images stay pullable); decide a rule for untagged images only after aws ecr start-lifecycle-policy-preview shows that no multi-platform image's per-platform manifests are selected"

    /// Basic scanning on push for every repository of the registry (PutRegistryScanningConfiguration): the registry-level
    /// setting that replaces each repository's scanOnPush.
    static let scanOnPushRules = #"[{"scanFrequency":"SCAN_ON_PUSH","repositoryFilters":[{"filter":"*","filterType":"WILDCARD"}]}]"#

    /// Single-quotes a word for bash: nothing inside single quotes expands, and a `'` is closed, escaped and reopened.
    static func shellQuote(_ text: String) -> String { ShellQuote.word(text) }
}
