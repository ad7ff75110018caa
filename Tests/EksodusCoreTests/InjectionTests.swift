import Foundation
import XCTest
@testable import EksodusCore

/// Hostile values from manifests and flags: none may run in the image script, add a key to an eksctl config,
/// break a report row or a CSV record, or overwrite another cluster's file.
final class InjectionTests: XCTestCase {
    /// A JSON Deployment (JSON is YAML, and spells any character exactly).
    func deployment(_ name: String, namespace: String = "shop", images: [String], containerNames: [String]? = nil,
                    serviceAccount: String? = nil, annotations: [String: String] = [:]) -> String {
        // Everything outside printable ASCII as \u escapes: libyaml refuses raw DEL and folds a raw U+0085 or U+2028.
        func quoted(_ text: String) -> String {
            var out = "\""
            for unit in text.utf16 {
                switch unit {
                case 0x22: out += "\\\""
                case 0x5C: out += "\\\\"
                case 0x20..<0x7F: out.unicodeScalars.append(Unicode.Scalar(UInt8(unit)))
                default: out += String(format: "\\u%04X", unit)
                }
            }
            return out + "\""
        }
        let containers = images.enumerated().map { index, image in
            "{\"name\": \(quoted(containerNames?[index] ?? "c\(index)")), \"image\": \(quoted(image))}"
        }.joined(separator: ", ")
        let annotationText = annotations.sorted { $0.key < $1.key }.map { "\(quoted($0.key)): \(quoted($0.value))" }.joined(separator: ", ")
        return """
            {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": \(quoted(name)), "namespace": \(quoted(namespace))},
             "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "x"}},
                      "template": {"metadata": {"labels": {"app": "x"}, "annotations": {\(annotationText)}},
                                   "spec": {\(serviceAccount.map { "\"serviceAccountName\": \(quoted($0)), " } ?? "")"containers": [\(containers)]}}}}
            """
    }

    func plan(_ files: [String: String], clusters: [String] = ["src"]) throws -> (TransitionPlan, AppDatabase) {
        let database = try AppDatabase.inMemory()
        for cluster in clusters {
            let folder = try writeManifests(files, test: self)
            // These names are refused by the import (ImportValidationTests); imported without that check, as a forged or
            // hand-edited inventory holds them, the listings and reports must still escape them.
            try importPaths([folder.path], cluster: cluster, into: database, validates: false)
        }
        let request = PlanRequest(target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow)
        return (try TransitionPlanner(database: database, reference: try ReferenceData.embedded()).run(request), database)
    }

    // MARK: Image script

    static let canary = "PWNED"
    static let hostileImages = [
        "nginx:$(touch PWNED)",
        "harbor.corp.local/team/app:`touch PWNED`",
        "harbor.corp.local/team/app;touch PWNED",
        "harbor.corp.local/team/app:1.0'; touch PWNED; echo '",
        "harbor.corp.local/team/app:1.0\ntouch PWNED",
        "harbor.corp.local/team/app:1.0\rtouch PWNED",
        "harbor.corp.local/team/app:1.0\r\ntouch PWNED #",
        "harbor.corp.local/team/app:ünïcödé",
        "harbor.corp.local/Team/App:1.0",
        "harbor.corp.local/team/app:1.0\u{2028}touch PWNED",
        "harbor.corp.local/team/app@sha256:$(touch PWNED)",
    ]
    static let legitimateImages = ["harbor.corp.local:5000/team/app:v1_2-3.4", "registry.example.com/a/b@sha256:" + String(repeating: "ab", count: 32), "nginx:1.25"]

    func testHostileImageReferencesAreListedAsRejectedAndNeverReachTheScript() throws {
        let (plan, _) = try plan(["app.json": deployment("app", images: Self.hostileImages + Self.legitimateImages + [""])])
        let rejected = plan.images.entries.filter { $0.method == .rejected }
        XCTAssertEqual(Set(rejected.map(\.image.original)), Set(Self.hostileImages))
        XCTAssertTrue(rejected.allSatisfy { $0.warnings.first?.hasPrefix("not migrated") == true })
        XCTAssertEqual(plan.images.entries.filter { $0.method == .copy }.count, 2)
        XCTAssertEqual(plan.images.entries.filter { $0.method == .pullThroughCache }.count, 1)
        // The container with an empty image is not an image.
        XCTAssertFalse(plan.images.entries.contains { $0.image.original.isEmpty || $0.image.normalized.contains("/:") })

        let folder = try temporaryFolder(self)
        let stubs = folder.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: stubs, withIntermediateDirectories: true)
        // Each stub logs its argv, one argument per field; `describe`s fail, so everything is created; a source's digest resolves
        // to `resolved`, a target's does not exist, so everything is copied, by digest. create-secret keeps its stdin.
        let resolved = "sha256:" + String(repeating: "cd", count: 32)
        let secretARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ecr-pullthroughcache/docker-hub-AbCdEf"
        for tool in ["aws", "skopeo", "crane"] {
            let stub = stubs.appendingPathComponent(tool)
            try """
                #!/bin/bash
                line="\(tool)"
                for argument in "$@"; do line+=$'\\037'"$argument"; done
                printf '%s\\n' "$line" >> "$STUB_LOG"
                case "$*" in *--password-stdin*) cat > /dev/null ;; esac
                case "$*" in *123456789012.dkr.ecr.*) case "$1" in inspect|digest) exit 1 ;; esac ;; esac
                case "$1 $2" in
                  "ecr get-login-password") echo token ;;
                  "ecr describe-repositories"|"ecr describe-pull-through-cache-rules"|"secretsmanager describe-secret") exit 1 ;;
                  "secretsmanager create-secret") cat > "$STUB_LOG.secret"; echo '\(secretARN)' ;;
                  "inspect --format"|"digest "*) echo '\(resolved)' ;;
                esac
                exit 0

                """.write(to: stub, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: stub.path)
        }
        let copies = plan.images.entries.filter { $0.method == .copy }
        for tool in ImageMigration.CopyTool.allCases {
            let work = folder.appendingPathComponent("run-\(tool)")
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            let script = plan.images.script(tool: tool, generatedAt: "2026-11-22T00:00:00Z")
            for hostile in Self.hostileImages { XCTAssertFalse(script.contains(hostile), "\(tool) script carries \(hostile.debugDescription)") }
            XCTAssertFalse(script.contains("PWNED"), "\(tool)")
            XCTAssertTrue(script.contains("# Left out: \(Self.hostileImages.count) image reference(s) that do not parse"), "\(tool)")
            let file = work.appendingPathComponent("migrate.sh")
            try script.write(to: file, atomically: true, encoding: .utf8)
            XCTAssertEqual(try run("/bin/bash", ["-n", file.path], in: work).status, 0, "bash -n (\(tool))")
            if let shellcheck = ["/usr/bin/shellcheck", "/usr/local/bin/shellcheck"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) {
                XCTAssertEqual(try run(shellcheck, [file.path], in: work).status, 0, "shellcheck (\(tool))")
            }
            let log = work.appendingPathComponent("calls.log")
            let token = "dckr_pat_Sup3rS3cret"
            let result = try run("/bin/bash", [file.path], in: work,
                                 environment: ["PATH": stubs.path + ":/usr/bin:/bin", "STUB_LOG": log.path, "HOME": work.path,
                                               "ECR_PTC_DOCKER_HUB_USERNAME": "acme", "ECR_PTC_DOCKER_HUB_TOKEN": token])
            XCTAssertEqual(result.status, 0, "\(tool) script failed: \(result.output)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: work.appendingPathComponent(Self.canary).path), "\(tool): the canary was created")
            let calls = try String(contentsOf: log, encoding: .utf8).split(separator: "\n").map { $0.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init) }
            let registry = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
            var expectedCopies: Set<[String]> = []
            for entry in copies {
                // By digest: the manifest's, or the one the source resolves the tag to.
                let source = entry.image.registry + "/" + entry.image.repository + "@" + (entry.image.digest ?? resolved)
                let target = registry + "/" + entry.repository + ":" + entry.copyTargetTag
                expectedCopies.insert(tool == .skopeo ? ["skopeo", "copy", "--all", "--preserve-digests", "docker://" + source, "docker://" + target]
                                                      : ["crane", "copy", source, target])
            }
            XCTAssertEqual(Set(calls.filter { $0.count > 1 && $0[1] == "copy" }), expectedCopies, "\(tool)")
            // The Docker Hub rule uses the secret the script created from the environment; the token is in no argument and not in the script.
            let rule = try XCTUnwrap(calls.first { $0.starts(with: ["aws", "ecr", "create-pull-through-cache-rule"]) })
            XCTAssertEqual(rule.firstIndex(of: "--credential-arn").map { rule[$0 + 1] }, secretARN)
            XCTAssertTrue(calls.contains { $0.starts(with: ["aws", "secretsmanager", "create-secret"]) && $0.contains("ecr-pullthroughcache/docker-hub") })
            XCTAssertFalse(calls.contains { $0.joined(separator: " ").contains(token) })
            XCTAssertFalse(script.contains(token))
            let stored = try String(contentsOf: URL(fileURLWithPath: log.path + ".secret"), encoding: .utf8)
            XCTAssertEqual(ManifestText.value(stored)?["accessToken"]?.string, token, stored)
            XCTAssertEqual(ManifestText.value(stored)?["username"]?.string, "acme", stored)
            let created = calls.filter { $0.starts(with: ["aws", "ecr", "create-repository"]) }.compactMap { call in call.firstIndex(of: "--repository-name").map { call[$0 + 1] } }
            XCTAssertEqual(Set(created), Set(copies.map(\.repository)))
            let allowed: Set<String> = ["aws", "skopeo", "crane"]  // jq runs for real, off the log
            for call in calls {
                XCTAssertTrue(allowed.contains(call[0]), "\(call)")
                XCTAssertFalse(call.joined(separator: " ").contains("PWNED"), "\(call)")
                if call[0] == "aws" {
                    XCTAssertTrue(["get-login-password", "describe-repositories", "create-repository", "put-lifecycle-policy", "describe-pull-through-cache-rules",
                                   "create-pull-through-cache-rule", "describe-repository-creation-templates", "create-repository-creation-template",
                                   "get-registry-scanning-configuration", "put-registry-scanning-configuration", "describe-secret", "create-secret"].contains(call[2]), "\(call)")
                }
            }
        }
    }

    func run(_ tool: String, _ arguments: [String], in folder: URL, environment: [String: String]? = nil) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.currentDirectoryURL = folder
        if let environment { process.environment = environment }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    func testImageReferencesFollowTheDistributionGrammar() {
        for valid in ["nginx", "nginx:1.25", "library/nginx:latest", "localhost:5000/a/b", "harbor.corp.local:5000/team/app:v1_2-3.4",
                      "Registry.Example.com/a__b/c-d.e:TAG", "[::1]:5000/app:1", "quay.io/org/app@sha256:" + String(repeating: "0", count: 64),
                      "a/b:" + String(repeating: "t", count: 128)] {
            XCTAssertNil(ImageReference.problem(with: valid), valid)
        }
        for invalid in ["", " nginx", "nginx ", "Nginx", "a/B", "nginx:", "nginx:-x", "nginx:" + String(repeating: "t", count: 129), "a//b", "a/-b", "a/b-",
                        "nginx@sha256:abc", "nginx@sha256:" + String(repeating: "g", count: 64), "nginx\n", "a:1\u{85}", "a:1\u{7F}", "a:\u{FEFF}1",
                        String(repeating: "a", count: 256)] {
            XCTAssertNotNil(ImageReference.problem(with: invalid), invalid.debugDescription)
        }
    }

    // MARK: Flags

    func testRegionsAndAccountsThatAreNotAWSOnesAreRefused() throws {
        func request(_ region: String, _ account: String = "123456789012") -> PlanRequest {
            PlanRequest(target: KubernetesVersion(major: 1, minor: 33), region: region, accountID: account, now: fixedNow)
        }
        for region in ["us-east-1$(id)", "US-EAST-1", "us-east-1\n", "useast1", "us-east-", "us-east-1 ", "`id`-east-1"] {
            XCTAssertThrowsError(try request(region).validate(), region.debugDescription) { error in
                XCTAssertTrue("\(error)".hasPrefix("--region must be an AWS region"), "\(error)")
                XCTAssertFalse("\(error)".contains("\n"), "\(error)")
            }
        }
        for account in ["12345678901", "1234567890123", "12345678901a", "١٢٣٤٥٦٧٨٩٠١٢", "123456789012\n"] {
            XCTAssertThrowsError(try request("eu-west-1", account).validate(), account.debugDescription) { error in
                XCTAssertTrue("\(error)".hasPrefix("--account-id must be 12 digits"), "\(error)")
            }
        }
        for region in ["us-east-1", "eu-central-2", "ap-northeast-3", "us-gov-west-1", "us-iso-east-1", "us-isob-east-1", "cn-north-1"] {
            XCTAssertNoThrow(try request(region).validate(), region)
        }
        // The planner the CLI calls refuses before it stores anything.
        let database = try AppDatabase.inMemory()
        XCTAssertThrowsError(try TransitionPlanner(database: database, reference: try ReferenceData.embedded()).run(request("us-east-1$(id)")))
        XCTAssertEqual(try count(database, "SELECT count(*) FROM plan"), 0)
    }

    // MARK: eksctl

    static let hostileNames = [
        "line\nattachPolicy:\n  Statement:\n  - Effect: Allow\n    Action: \"*\"",
        "key: value", "# comment", "{flow: map}", "\"double\" 'single'", "del\u{7F}", "nel\u{85}next: 1", "ls\u{2028}sep: 2",
        "cr\rreturn: 3", "tab\there", "\u{FEFF}bom", "a\n- item: x", "&anchor *alias !tag", "```", "<img src=x onerror=alert(1)><script>alert(1)", "a|b",  // no '/': the API server refuses it in a name, and so does import
    ]

    func testHostileNamesAndRoleAnnotationsStayPlainStringsInEksctlConfigs() throws {
        var files: [String: String] = [:]
        for (index, name) in Self.hostileNames.enumerated() {
            files["w\(index).json"] = deployment("w\(index)", namespace: "ns\(index)", images: ["nginx:1.25"], containerNames: [name],
                                                 serviceAccount: name, annotations: ["iam.amazonaws.com/role": name + "\nattachPolicy: {Action: \"*\"}"])
        }
        let (plan, _) = try plan(files, clusters: ["prod", "Prod", "a.b", "a..b"])
        let configs = try plan.eksctlConfigs()
        XCTAssertEqual(configs.count, 4)
        XCTAssertEqual(Set(configs.map(\.file)).count, 4, "\(configs.map(\.file))")
        let fixedKeys: Set<String> = [
            "apiVersion", "kind", "metadata", "name", "region", "version", "tags", "migrated-from", "availabilityZones", "vpc", "clusterEndpoints",
            "privateAccess", "publicAccess", "nat", "gateway", "iam", "withOIDC", "attachPolicy", "Version", "Statement", "Effect", "Action", "Resource", "serviceAccounts", "namespace", "roleName", "attachPolicyARNs",
            "podIdentityAssociations", "serviceAccountName", "permissionPolicyARNs", "addons", "configurationValues", "useDefaultPodIdentityAssociations",
            "managedNodeGroups", "instanceType", "instanceTypes", "spot", "minSize", "desiredCapacity", "maxSize", "amiFamily", "privateNetworking",
            "volumeSize", "volumeEncrypted", "labels", "role", "k8s.io/cluster-autoscaler/enabled", "fargateProfiles", "selectors",
            "maxPodsPerNode", "taints", "key", "value", "effect", "propagateASGTags", "wellKnownPolicies", "awsLoadBalancerController", "autoScaler",
            "ebsCSIController", "efsCSIController", "cloudWatch", "clusterLogging", "enableTypes", "logRetentionInDays",
            "cidr", "publicAccessCIDRs", "kubernetesNetworkConfig", "serviceIPv4CIDR", "createServiceAccount", "permissionPolicy",
            "accessConfig", "authenticationMode", "bootstrapClusterCreatorAdminPermissions",
        ]
        for config in configs {
            let parsed = try ManifestText.objects(config.yaml)
            XCTAssertEqual(parsed.count, 1, config.yaml)
            let root = try XCTUnwrap(parsed.first)
            let eksName = try XCTUnwrap(root["metadata", "name"]?.string)
            let allowed = fixedKeys.union(["k8s.io/cluster-autoscaler/\(eksName)"])
            var keys: [String] = []
            func collect(_ node: ManifestNode) {
                for (key, value) in node.entries { keys.append(key); collect(value) }
                for item in node.items { collect(item) }
            }
            collect(root)
            XCTAssertEqual(Set(keys).subtracting(allowed), [], "injected keys in \(config.file)")
            XCTAssertEqual(root["metadata", "tags", "migrated-from"]?.string, config.cluster)
            XCTAssertNotNil(eksName.range(of: "^[a-z][a-z0-9-]*-eks$", options: .regularExpression), eksName)
            // Every hostile service account comes back exactly, under the identity key it belongs to.
            let associations = (root["iam", "podIdentityAssociations"]?.items ?? []).compactMap { $0["serviceAccountName"]?.string }
                + (root["iam", "serviceAccounts"]?.items ?? []).compactMap { $0["metadata", "name"]?.string }
            let controllers = Set(EksctlConfig.controllers.map(\.serviceAccount) + [SecretsStore.serviceAccount])
            XCTAssertEqual(Set(associations).subtracting(controllers), Set(Self.hostileNames), "\(config.file): \(Set(associations).symmetricDifference(Self.hostileNames).map(\.unicodeScalars).map { Array($0) })")
            for line in config.yaml.split(separator: "\n") where line.hasPrefix("#") {
                XCTAssertFalse(line.contains("attachPolicy:"), String(line))
            }
            XCTAssertFalse(config.yaml.unicodeScalars.contains { $0 == "\r" || $0 == "\u{85}" || $0 == "\u{2028}" || $0 == "\u{7F}" || $0 == "\u{FEFF}" })
            try validateAgainstEksctlSchema(config.yaml)
        }
    }

    /// With python3, PyYAML and jsonschema installed, checks a config against eksctl's published schema.
    func validateAgainstEksctlSchema(_ yaml: String) throws {
        let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/reference/eksctl/schema.json")
        guard FileManager.default.fileExists(atPath: schema.path),
              try run("/usr/bin/env", ["python3", "-c", "import yaml, jsonschema"], in: FileManager.default.temporaryDirectory).status == 0 else { return }
        let folder = try temporaryFolder(self)
        let file = folder.appendingPathComponent("config.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        let check = """
            import json, sys, yaml, jsonschema
            jsonschema.validate(yaml.safe_load(open(sys.argv[1], encoding="utf-8")), json.load(open(sys.argv[2])))
            """
        let result = try run("/usr/bin/env", ["python3", "-c", check, file.path, schema.path], in: folder)
        XCTAssertEqual(result.status, 0, result.output)
    }

    func testEKSClusterNamesAreUniqueForNamesThatSanitiseAlike() {
        XCTAssertEqual(EKSClusterName.make("prod"), "prod-eks")
        XCTAssertEqual(EKSClusterName.make("staging-2"), "staging-2-eks")
        let names = ["prod", "Prod", "PROD", "a.b", "a..b", "a-b", "a_b", "", "-", "9lives", String(repeating: "x", count: 200)].map(EKSClusterName.make)
        XCTAssertEqual(Set(names).count, names.count, "\(names)")
        for name in names {
            XCTAssertNotNil(name.range(of: "^[a-z][a-z0-9-]*-eks$", options: .regularExpression), name)
            XCTAssertLessThanOrEqual(name.count, 100)
        }
    }

    // MARK: Reports and listings

    func testReportsOfHostileNamesKeepOneRowPerObjectAndNoRawHTML() throws {
        var files: [String: String] = [:]
        for (index, name) in Self.hostileNames.enumerated() {
            files["w\(index).json"] = deployment(name, images: ["nginx:1.25"], annotations: ["iam.amazonaws.com/role": name])
        }
        files["bad.json"] = deployment("bad", images: Self.hostileImages)
        let (plan, database) = try plan(files, clusters: ["the_cluster"])
        let workloads = plan.waves.reduce(0) { $0 + $1.workloads.count }
        XCTAssertEqual(workloads, Self.hostileNames.count + 1)
        let renderer = ReportRenderer(database: database, now: fixedNow)
        for report in try renderer.render(.all, format: .markdown) {
            var lines = report.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            // Table rows: each has as many cells as its header.
            var columns: Int?
            for line in lines {
                guard line.hasPrefix("|") else { columns = nil; continue }
                let cells = MarkdownHTML.tableCells(String(line.dropFirst())).dropLast().count
                if let columns { XCTAssertEqual(cells, columns, "\(report.file): \(line)") } else { columns = cells }
            }
            // Outside code (where Markdown shows it as text), no raw HTML; and none at all in diagrams.
            XCTAssertFalse(withoutCode(report.text).contains("<script"), report.file)
            XCTAssertFalse(report.text.unicodeScalars.contains { $0 == "\r" || $0 == "\u{2028}" }, report.file)
            // A name's `# comment` never starts a line: no heading beyond the templates' own.
            // (Inside a code span — a runbook step's key in its heading — the text is shown literally.)
            XCTAssertFalse(lines.map(withoutCodeSpans).contains { $0.hasPrefix("# comment") || $0.hasPrefix("#") && $0.contains("\\# comment") == false && $0.contains("# comment") },
                           report.file)
        }
        let planMarkdown = try XCTUnwrap(try renderer.render(.plan, format: .markdown).first?.text)
        let wavesSection = planMarkdown.components(separatedBy: "### Dependencies")[0]
        let rows = wavesSection.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| workload") && !$0.hasPrefix("| ---") }
        XCTAssertEqual(rows.count, workloads)
        for report in try renderer.render(.all, format: .html) {
            XCTAssertFalse(report.text.lowercased().contains("<script"), report.file)
            XCTAssertFalse(report.text.contains("<scri"), report.file)
        }
        let html = try XCTUnwrap(try renderer.render(.plan, format: .html).first?.text)
        XCTAssertTrue(html.contains("&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(1)"))
        XCTAssertFalse(html.contains("<img src=x"))
        // An escaped underscore or star stays a character.
        XCTAssertEqual(MarkdownHTML.inline(MarkdownText.escape("_a_ **b** `c` <i>")), "_a_ **b** `c` &lt;i&gt;")
        XCTAssertEqual(MarkdownHTML.inline(MarkdownText.code("a ``` b")), "<code>a ``` b</code>")
    }

    /// Markdown with its escaped characters, code spans and the bodies of its fenced blocks (other than Mermaid diagrams) removed.
    /// A line with its code spans removed.
    func withoutCodeSpans(_ line: String) -> String {
        line.replacingOccurrences(of: "(`+)[^`]*?\\1", with: "", options: .regularExpression)
    }

    func withoutCode(_ markdown: String) -> String {
        var out: [String] = []
        var fence: String?, keepBody = false
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if let open = fence {
                if line.hasPrefix(open) && line.allSatisfy({ $0 == "`" }) { fence = nil } else if keepBody { out.append(line) }
                continue
            }
            if line.hasPrefix("```") {
                fence = String(line.prefix { $0 == "`" })
                keepBody = line.hasSuffix("mermaid")
                continue
            }
            // Drop each code span: a run of backticks up to the next run of the same length.
            let characters = Array(line)
            var kept = "", index = 0
            while index < characters.count {
                // An escaped character is text, not markup: it cannot open a tag.
                if characters[index] == "\\" { kept.append("_"); index += 2; continue }
                guard characters[index] == "`" else { kept.append(characters[index]); index += 1; continue }
                var run = 0
                while index + run < characters.count && characters[index + run] == "`" { run += 1 }
                var search = index + run, close: Int?
                while search < characters.count {
                    var other = 0
                    while search + other < characters.count && characters[search + other] == "`" { other += 1 }
                    if other == run { close = search; break }
                    search += max(other, 1)
                }
                index = close.map { $0 + run } ?? index + run
            }
            out.append(kept)
        }
        return out.joined(separator: "\n")
    }

    func testCSVRoundTripsAndTableRowsStayOneLine() {
        let hostile = ["plain", "com,ma", "quo\"te", "line\nfeed", "carriage\rreturn", "crlf\r\nrow", "\"", "", "trailing\n"]
        let table = Table(columns: ["name", "value"], rows: hostile.map { [.text($0), .integer($0.count)] })
        let csv = TableRenderer.csv(table)
        XCTAssertEqual(parseCSV(csv), [["name", "value"]] + hostile.map { [$0, String($0.count)] })
        let text = TableRenderer.text(table)
        XCTAssertEqual(text.split(separator: "\n", omittingEmptySubsequences: false).count, hostile.count + 2)
        XCTAssertFalse(text.unicodeScalars.contains("\r"))
        let yaml = TableRenderer.yaml(Table(columns: ["name"], rows: (hostile + Self.hostileNames).map { [.text($0)] }))
        XCTAssertEqual((try? ManifestText.objects("rows:\n" + yaml.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")))?.first?["rows"]?.items
            .compactMap { $0["name"]?.string }, hostile + Self.hostileNames)
    }

    func testInventoryListingsOfHostileNamesRoundTripThroughCSVAndStayOneRowPerWorkload() throws {
        var files: [String: String] = [:]
        for (index, name) in Self.hostileNames.enumerated() { files["w\(index).json"] = deployment(name + ",x", images: ["nginx:1.25"]) }
        let (_, database) = try plan(files)
        let listing = try InventoryQuery().table(.workloads, in: database)
        XCTAssertEqual(listing.rows.count, Self.hostileNames.count)
        let names = listing.column("name").map(\.display)
        XCTAssertEqual(Set(names), Set(Self.hostileNames.map { $0 + ",x" }))
        let records = parseCSV(TableRenderer.csv(listing))
        XCTAssertEqual(records.count, listing.rows.count + 1)
        let nameColumn = try XCTUnwrap(listing.columns.firstIndex(of: "name"))
        // Whole, apart from the controls a CSV viewer's terminal would act on (DEL, C1), which are spelled `\u{…}`.
        XCTAssertEqual(records.dropFirst().map { $0[nameColumn] }, names.map(CSVField.shown))
        XCTAssertTrue(records.dropFirst().map { $0[nameColumn] }.contains("nel\\u{85}next: 1,x"))
        XCTAssertEqual(TableRenderer.text(listing).split(separator: "\n", omittingEmptySubsequences: false).count, listing.rows.count + 2)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(TableRenderer.json(listing).utf8)) as? [[String: Any]])
        XCTAssertEqual(json.compactMap { $0["name"] as? String }, names)
    }

    func testYAMLEmitterRoundTripsEveryHostileString() throws {
        let strings = Self.hostileNames + ["", "null", "true", "0x1F", "1e3", "~", "\u{0}", "\u{1B}[31m", "\u{9F}", "\u{2029}", "é ü 中文 🚀", "trailing ", " leading"]
        let yaml = try YAMLEmitter.emit(.mapping(strings.enumerated().map { ("k\($0.offset)", .sequence([.string($0.element)])) }
                                                 + [("weird key: \n#", .string("v"))]), comments: ["first\nsecond"])
        let root = try XCTUnwrap(try ManifestText.objects(yaml).first)
        for (index, text) in strings.enumerated() where text != "\u{0}" {
            XCTAssertEqual(root["k\(index)"]?.items.first?.string ?? "", text, text.debugDescription)
        }
        XCTAssertEqual(root["weird key: \n#"]?.string, "v")
        XCTAssertEqual(root.entries.count, strings.count + 1)
        XCTAssertTrue(yaml.hasPrefix("# first\\nsecond\n"), yaml)
    }
}
