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
        public var image: ImageReference
        /// dockerhub, public-cached (an upstream ECR can cache), other-public, private, ecr.
        public var sourceClass: String
        public var method: Method
        public var repository: String
        public var targetReference: String
        public var pullThroughPrefix: String?
        public var upstreamURL: String?
        public var needsCredentials: Bool
        public var workloads: [String]
        public var clusters: [String]
        public var warnings: [String]
    }

    public var region: String
    public var accountID: String
    public var prefix: String
    public var entries: [Entry]

    public var registryHost: String { "\(accountID).dkr.ecr.\(region).amazonaws.com" }

    /// Builds the list from (image reference, workload label, cluster) uses.
    public static func build(uses: [(image: String, workload: String, cluster: String)], reference: ReferenceData,
                             region: String, accountID: String, prefix: String) -> ImageMigration {
        let host = "\(accountID).dkr.ecr.\(region).amazonaws.com"
        var byNormalized: [String: (ImageReference, Set<String>, Set<String>)] = [:]
        var problems: [String: String] = [:]
        for use in uses where !use.image.trimmingWhitespace().isEmpty {
            let image = ImageReference(use.image)
            let problem = problems[use.image] ?? ImageReference.problem(with: use.image)
            problems[use.image] = problem
            // A reference that does not parse keeps its own entry: its lenient split could match a valid image's.
            let key = problem == nil ? image.normalized : "\u{0}" + use.image
            var entry = byNormalized[key] ?? (image, [], [])
            entry.1.insert(use.workload)
            entry.2.insert(use.cluster)
            byNormalized[key] = entry
        }
        let entries = byNormalized.keys.sorted().compactMap { key -> Entry? in
            guard let (image, workloads, clusters) = byNormalized[key] else { return nil }
            if let problem = problems[image.original] ?? nil {
                return Entry(image: image, sourceClass: "invalid", method: .rejected, repository: "", targetReference: "", pullThroughPrefix: nil,
                             upstreamURL: nil, needsCredentials: false, workloads: workloads.sorted(), clusters: clusters.sorted(),
                             warnings: ["not migrated: \(problem)"])
            }
            var warnings: [String] = []
            if image.tag == nil && image.digest == nil { warnings.append("no tag (pulls :latest)") }
            if image.tag == "latest" { warnings.append(":latest") }
            if image.digest == nil { warnings.append("no digest") }
            let upstream = reference.pullThroughUpstream(for: image.registry)
            let sourceClass: String
            let method: Method
            var repository: String
            if ImageRegistry.isECR(image.registry) {
                sourceClass = "ecr"
                method = .none
                repository = image.repository
            } else if let upstream {
                sourceClass = image.isDockerHub ? "dockerhub" : "public-cached"
                method = .pullThroughCache
                repository = upstream.prefix + "/" + image.repository
            } else {
                sourceClass = ImageRegistry.isPublic(image.registry) ? "other-public" : "private"
                method = .copy
                repository = ecrRepositoryName(prefix + image.registry + "/" + image.repository)
            }
            repository = ecrRepositoryName(repository)
            let suffix = image.digest.map { "@" + $0 } ?? ":" + (image.effectiveTag ?? "latest")
            let tagged = image.tag.map { ":" + $0 } ?? ""
            let target = method == .none ? image.normalized : host + "/" + repository + (image.digest != nil ? tagged + suffix : suffix)
            return Entry(image: image, sourceClass: sourceClass, method: method, repository: repository, targetReference: target,
                         pullThroughPrefix: method == .pullThroughCache ? upstream?.prefix : nil, upstreamURL: upstream?.upstreamURL,
                         needsCredentials: method == .pullThroughCache && (upstream?.credentials ?? false),
                         workloads: workloads.sorted(), clusters: clusters.sorted(), warnings: warnings)
        }
        return ImageMigration(region: region, accountID: accountID, prefix: prefix, entries: entries)
    }

    /// A name ECR accepts: lowercase letters, digits and `-_./`, starting with a letter, no doubled separators,
    /// 2 to 256 characters (pattern `(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*`).
    public static func ecrRepositoryName(_ text: String) -> String {
        var components: [String] = []
        for component in text.lowercased().split(separator: "/") {
            var out = ""
            var lastWasSeparator = true
            for character in component {
                if character.isASCII && (character.isLetter || character.isNumber) {
                    out.append(character)
                    lastWasSeparator = false
                } else if !lastWasSeparator {
                    out.append(character == "." || character == "_" ? character : "-")
                    lastWasSeparator = true
                }
            }
            while let last = out.last, !(last.isLetter || last.isNumber) { out.removeLast() }
            if !out.isEmpty { components.append(out) }
        }
        var name = components.joined(separator: "/")
        if let first = name.first, !first.isLetter { name = "img-" + name }
        if name.count < 2 { name = "img-" + name }
        return String(name.prefix(256))
    }

    public var table: Table {
        Table(columns: ["image", "source", "method", "ecr_repository", "target", "workloads", "clusters", "warnings"], rows: entries.map { entry in
            [.text(entry.image.original), .text(entry.sourceClass), .text(entry.method.rawValue), .text(entry.repository), .text(entry.targetReference),
             .text(entry.workloads.joined(separator: " ")), .text(entry.clusters.joined(separator: " ")), .text(entry.warnings.joined(separator: "; "))]
        })
    }

    public enum CopyTool: String, CaseIterable, Sendable { case skopeo, crane }

    /// An idempotent bash script: pull-through cache rules for the upstreams that can use one, then for every other image
    /// the ECR repository (created where missing) and a multi-architecture copy, by digest where known, skipped when present.
    public func script(tool: CopyTool = .skopeo, generatedAt: String) -> String {
        // Every value is single-quoted where it is written, and comments carry only visible single lines.
        let quote = Self.shellQuote
        var lines = [
            "#!/usr/bin/env bash",
            "# Image migration to Amazon ECR, generated by eksodus on \(generatedAt.visibleLine).",
            "# Safe to run again: existing rules, repositories and images are left as they are.",
            "# Needs: aws CLI v2 with credentials for account \(accountID.visibleLine), and \(tool == .skopeo ? "skopeo" : "crane"); logged in to the source registries.",
            "set -euo pipefail",
            "",
            "DEFAULT_REGION=\(quote(region))",
            "DEFAULT_ACCOUNT_ID=\(quote(accountID))",
            "REGION=\"${REGION:-$DEFAULT_REGION}\"",
            "ACCOUNT_ID=\"${ACCOUNT_ID:-$DEFAULT_ACCOUNT_ID}\"",
            "REGISTRY=\"${ACCOUNT_ID}.dkr.ecr.${REGION}.amazonaws.com\"",
            "",
        ]
        lines += tool == .skopeo
            ? ["aws ecr get-login-password --region \"$REGION\" | skopeo login --username AWS --password-stdin \"$REGISTRY\""]
            : ["aws ecr get-login-password --region \"$REGION\" | crane auth login \"$REGISTRY\" --username AWS --password-stdin"]
        lines += [
            "",
            "ensure_repository() {",
            "  aws ecr describe-repositories --region \"$REGION\" --repository-names \"$1\" >/dev/null 2>&1 \\",
            "    || aws ecr create-repository --region \"$REGION\" --repository-name \"$1\" --image-scanning-configuration scanOnPush=true >/dev/null",
            "}",
            "",
            "ensure_pull_through_rule() {",
            "  local prefix=$1 upstream=$2 secret=${3:-}",
            "  if aws ecr describe-pull-through-cache-rules --region \"$REGION\" --ecr-repository-prefixes \"$prefix\" >/dev/null 2>&1; then return; fi",
            "  if [ -n \"$secret\" ]; then",
            "    aws ecr create-pull-through-cache-rule --region \"$REGION\" --ecr-repository-prefix \"$prefix\" --upstream-registry-url \"$upstream\" \\",
            "      --credential-arn \"arn:aws:secretsmanager:${REGION}:${ACCOUNT_ID}:secret:${secret}\" >/dev/null",
            "  else",
            "    aws ecr create-pull-through-cache-rule --region \"$REGION\" --ecr-repository-prefix \"$prefix\" --upstream-registry-url \"$upstream\" >/dev/null",
            "  fi",
            "}",
            "",
            "copy_image() {",
            "  local source=$1 target=$2",
        ]
        lines += tool == .skopeo ? [
            "  if skopeo inspect --raw \"docker://${target}\" >/dev/null 2>&1; then echo \"present  ${target}\"; return; fi",
            "  skopeo copy --all \"docker://${source}\" \"docker://${target}\"",
        ] : [
            "  if crane manifest \"${target}\" >/dev/null 2>&1; then echo \"present  ${target}\"; return; fi",
            "  crane copy \"${source}\" \"${target}\"",
        ]
        lines += ["  echo \"copied   ${target}\"", "}", ""]
        let rules = Dictionary(grouping: entries.filter { $0.method == .pullThroughCache }, by: { $0.pullThroughPrefix ?? "" })
        if !rules.isEmpty {
            lines.append("# Pull-through cache rules: EKS pulls these images through ECR, nothing to copy.")
            for prefix in rules.keys.sorted() {
                guard let first = rules[prefix]?.first, let upstream = first.upstreamURL else { continue }
                let secret = first.needsCredentials ? " \(quote("ecr-pullthroughcache/\(prefix)"))" : ""
                let count = rules[prefix]?.count ?? 0
                lines.append("ensure_pull_through_rule \(quote(prefix)) \(quote(upstream))\(secret)  # \(count) image(s)")
            }
            lines.append("")
        }
        let copies = entries.filter { $0.method == .copy }
        if !copies.isEmpty {
            lines.append("# Images copied into ECR repositories.")
            for entry in copies {
                let source = entry.image.registry + "/" + entry.image.repository + (entry.image.digest.map { "@" + $0 } ?? ":" + (entry.image.effectiveTag ?? "latest"))
                let target = "/" + entry.repository + (entry.image.digest.map { _ in ":" + (entry.image.tag ?? "migrated") } ?? ":" + (entry.image.effectiveTag ?? "latest"))
                if !entry.warnings.isEmpty { lines.append("# \(entry.image.normalized.visibleLine): \(entry.warnings.joined(separator: ", ").visibleLine)") }
                lines.append("ensure_repository \(quote(entry.repository))")
                lines.append("copy_image \(quote(source)) \"${REGISTRY}\"\(quote(target))")
            }
        }
        let rejected = entries.filter { $0.method == .rejected }.count
        if rejected > 0 {
            lines += ["", "# Left out: \(rejected) image reference(s) that do not parse (method rejected in eksodus images)."]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Single-quotes a word for bash: nothing inside single quotes expands, and a `'` is closed, escaped and reopened.
    static func shellQuote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
