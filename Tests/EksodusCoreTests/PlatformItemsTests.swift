import Foundation
import XCTest
@testable import EksodusCore

/// The platform items an EKS engineer walked on the demo: the secrets stores the ExternalSecrets need (operator from its
/// repository, one store and IRSA reader per namespace on that namespace's prefix only, proof they are Ready before any wave applies one), the
/// cluster-admin bindings convert holds out for an access decision, SEC009's every-ServiceAccount groups, and the
/// workloads that stay off Spot.
final class PlatformItemsTests: XCTestCase {
    static let demo: Result<(plan: TransitionPlan, folder: URL), Error> = Result {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eksodus-platform-\(UUID().uuidString)")
        return (try Demo(folder: folder, now: fixedNow).run().plan, folder)
    }

    func item(_ plan: TransitionPlan, _ key: String) throws -> PlanItem {
        try XCTUnwrap(plan.items.first { $0.keyText == key }, "no item \(key)")
    }

    /// Runs `line` under bash in `folder` with `stubs` (tool name → script body) first on the PATH; the exit status.
    func run(_ line: String, in folder: URL, stubs: [String: String]) throws -> Int32 {
        let bin = folder.appendingPathComponent("bin", isDirectory: true)
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        for (name, body) in stubs {
            let url = bin.appendingPathComponent(name)
            try ("#!/bin/bash\n" + body + "\n").write(to: url, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-o", "pipefail", "-c", line]
        process.currentDirectoryURL = folder
        process.environment = RunbookLibraryFile.environment(["PATH": bin.path + ":/usr/bin:/bin", "EKS_CONTEXT": "eks", "HOME": folder.path])
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// `kubectl` answering with `answer` (nil: failing as with no such object).
    func kubectl(_ answer: String?) -> [String: String] {
        ["kubectl": answer.map { "printf '%s' '\($0)'" } ?? "echo 'NotFound' >&2; exit 1"]
    }

    /// `kubectl` answering the one listing of every store (`get secretstores… -A -o json`, on EKS) with `answer`, each
    /// call logged in calls.log (nil: failing as with no such resource type); any other call fails.
    func storesKubectl(_ answer: String?) -> [String: String] {
        ["kubectl": """
            echo "$*" >> calls.log
            [ "$*" = "--context eks get secretstores.external-secrets.io -A -o json" ] || exit 1
            \(answer.map { "cat <<'EOF'\n\($0)\nEOF" } ?? "echo 'the server does not have a resource type' >&2; exit 1")
            """]
    }

    /// The stores as `kubectl get -o json` lists them: per namespace, its store's name and Ready status (nil: no condition yet).
    func stores(_ stores: [(namespace: String, name: String, ready: String?)]) -> String {
        let items = stores.map { store in
            #"{"metadata": {"name": "\#(store.name)", "namespace": "\#(store.namespace)"}, "status": {"conditions": ["#
                + (store.ready.map { #"{"type": "Ready", "status": "\#($0)", "reason": "Valid"}"# } ?? "") + "]}}"
        }
        return #"{"apiVersion": "v1", "kind": "List", "items": ["# + items.joined(separator: ", ") + "]}"
    }

    /// Both of the demo's stores (data, shop) with `status`, beside an unrelated store of another name.
    func both(_ status: String?) -> [String: String] {
        storesKubectl(stores([("data", SecretsStore.name, status), ("shop", SecretsStore.name, status), ("other", "vault", "True")]))
    }

    /// The ways the store check must fail, with why.
    var failing: [(String, [String: String])] {
        [("kubectl failed", storesKubectl(nil)), ("nothing listed", storesKubectl("")), ("not JSON", storesKubectl("error: You must be logged in to the server")),
         ("no store at all", storesKubectl(stores([]))), ("no Ready condition yet", both(nil)), ("not Ready", both("False")),
         ("shop's store not Ready", storesKubectl(stores([("data", SecretsStore.name, "True"), ("shop", SecretsStore.name, "False")]))),
         ("data's store missing", storesKubectl(stores([("shop", SecretsStore.name, "True")]))),
         ("data's store under another name", storesKubectl(stores([("data", "vault", "True"), ("shop", SecretsStore.name, "True")])))]
    }

    // MARK: 1. the secrets store

    func testTheSecretsItemInstallsFromTheRepositoryCreatesTheStoreAndProvesItReady() throws {
        let (plan, _) = try Self.demo.get()
        let secrets = try item(plan, "plan:secrets:prod")
        let commands = secrets.commands
        let repoAdd = try XCTUnwrap(commands.firstIndex { $0.hasPrefix("helm repo add external-secrets https://charts.external-secrets.io") }, "\(commands)")
        let install = try XCTUnwrap(commands.firstIndex { $0.hasPrefix("helm upgrade --install external-secrets external-secrets/external-secrets") })
        XCTAssertLessThan(repoAdd, install, "the chart's repository is added before the chart is installed")
        XCTAssertTrue(commands[install].contains("--wait"), commands[install])
        let apply = try XCTUnwrap(commands.firstIndex { $0.contains("apply -f 'converted/prod/secret-store.yaml'") }, "\(commands)")
        XCTAssertGreaterThan(apply, install)
        let namespaces = (plan.identity.secretReaders ?? []).filter { $0.cluster == "prod" }.map(\.namespace)
        XCTAssertEqual(namespaces, ["data", "shop"], "one store per namespace with Secrets")
        XCTAssertEqual(commands.last, SecretsStore.readyCheck(context: "\"$EKS_CONTEXT\"", namespaces: namespaces))
        // Values never in argv, and the region stated.
        let creates = commands.filter { $0.contains("secretsmanager create-secret") }
        XCTAssertEqual(creates.count, 2, "\(commands)")
        for create in creates {
            XCTAssertTrue(create.contains("--region 'ap-northeast-2'") && create.contains("--secret-string file:///dev/stdin"), create)
        }
        XCTAssertTrue(secrets.prerequisites.contains(.plan(.addons, cluster: "prod")), "the Pod Identity agent runs before the operator needs it")

        // The check fails unless the store says Ready=True: failing, empty, False.
        let folder = try temporaryFolder(self)
        let check = try XCTUnwrap(commands.last)
        for (why, stub) in failing {
            XCTAssertNotEqual(try run(check, in: try temporaryFolder(self), stubs: stub), 0, why)
        }
        XCTAssertEqual(try run(check, in: folder, stubs: both("True")), 0, "Ready")
        XCTAssertEqual(try String(contentsOf: folder.appendingPathComponent("calls.log"), encoding: .utf8).split(separator: "\n").count, 1, "one call for every store")
    }

    func testNoWaveAppliesExternalSecretsBeforeTheStoreIsReady() throws {
        let (plan, _) = try Self.demo.get()
        let applies = plan.items.filter { $0.keyText.hasPrefix("apply:prod:wave-") }
        XCTAssertFalse(applies.isEmpty)
        for apply in applies {
            let gate = try XCTUnwrap(apply.commands.firstIndex { $0.contains("get secretstores.external-secrets.io -A -o json") }, "\(apply.keyText): \(apply.commands)")
            let applyK = try XCTUnwrap(apply.commands.firstIndex { $0.contains("apply -k") })
            XCTAssertLessThan(gate, applyK, apply.keyText)
        }
        let line = try XCTUnwrap(try item(plan, "apply:prod:wave-1").commands.first { $0.contains("get secretstores.external-secrets.io") })
        let folder = try temporaryFolder(self)
        let support = folder.appendingPathComponent("converted/prod/wave-1/support", isDirectory: true)
        try FileManager.default.createDirectory(at: support, withIntermediateDirectories: true)
        try "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n".write(to: support.appendingPathComponent("configmap.yaml"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try run(line, in: folder, stubs: storesKubectl(nil)), 0, "a wave without ExternalSecrets does not wait for the store")
        // The files eksodus convert wrote for the wave (orders-db's ExternalSecret among them) decide, as the emitter writes them.
        try FileManager.default.removeItem(at: support)
        try FileManager.default.copyItem(at: try Self.demo.get().folder.appendingPathComponent("converted/prod/wave-1/support"), to: support)
        for (why, stub) in failing {
            XCTAssertNotEqual(try run(line, in: folder, stubs: stub), 0, why)
        }
        XCTAssertEqual(try run(line, in: folder, stubs: both("True")), 0, "Ready")
    }

    func testEachNamespaceReadsItsOwnPrefixThroughItsOwnStoreAndServiceAccount() throws {
        let (plan, folder) = try Self.demo.get()
        let stores = try ManifestText.objects(String(contentsOf: folder.appendingPathComponent("converted/prod/\(SecretsStore.fileName)"), encoding: .utf8))
        XCTAssertEqual(stores.map { $0["kind"]?.string }, ["SecretStore", "SecretStore"], "namespaced stores, no ClusterSecretStore")
        XCTAssertEqual(stores.compactMap { $0["metadata", "namespace"]?.string }, ["data", "shop"])
        for store in stores {
            XCTAssertEqual(store["metadata", "name"]?.string, SecretsStore.name)
            XCTAssertEqual(store["spec", "provider", "aws", "region"]?.string, plan.request.region)
            XCTAssertEqual(store["spec", "provider", "aws", "auth", "jwt", "serviceAccountRef", "name"]?.string, SecretsStore.readerServiceAccount)
            XCTAssertNil(store["spec", "provider", "aws", "auth", "jwt", "serviceAccountRef", "namespace"], "its own namespace's account")
            XCTAssertNil(store["spec", "provider", "aws", "role"], "no role to assume beside the account's own")
        }
        // Every ExternalSecret names its own namespace's store, which exists.
        var referenced: Set<String> = []
        for case let url as URL in FileManager.default.enumerator(at: folder.appendingPathComponent("converted/prod"), includingPropertiesForKeys: nil)! where url.pathExtension == "yaml" {
            for object in try ManifestText.objects(String(contentsOf: url, encoding: .utf8)) where object["kind"]?.string == "ExternalSecret" {
                XCTAssertEqual(object["spec", "secretStoreRef", "kind"]?.string, "SecretStore")
                referenced.insert("\(object["metadata", "namespace"]?.string ?? "")/\(object["spec", "secretStoreRef", "name"]?.string ?? "")")
            }
        }
        XCTAssertFalse(referenced.isEmpty)
        XCTAssertTrue(referenced.isSubset(of: Set(stores.map { "\($0["metadata", "namespace"]?.string ?? "")/\(SecretsStore.name)" })), "\(referenced)")

        let configs = try plan.eksctlConfigs()
        try validateEksctlConfigs(configs.map { ($0.file, $0.yaml) }, test: self)
        let prod = try XCTUnwrap(try ManifestText.objects(try XCTUnwrap(configs.first { $0.cluster == "prod" }).yaml).first)
        XCTAssertFalse((prod["iam", "podIdentityAssociations"]?.items ?? []).contains { $0["serviceAccountName"]?.string == SecretsStore.serviceAccount },
                       "the operator's own pod holds no AWS identity")
        XCTAssertEqual(prod["iam", "withOIDC"]?.bool, true, "the readers are IRSA: ESO cannot sign in as a Pod Identity account")
        let readers = (prod["iam", "serviceAccounts"]?.items ?? []).filter { $0["metadata", "name"]?.string == SecretsStore.readerServiceAccount }
        XCTAssertEqual(readers.compactMap { $0["metadata", "namespace"]?.string }, ["data", "shop"])
        for reader in readers {
            let namespace = try XCTUnwrap(reader["metadata", "namespace"]?.string)
            XCTAssertEqual(reader["roleName"]?.string, IdentityPlan.roleName(cluster: "prod", namespace: namespace, serviceAccount: SecretsStore.readerServiceAccount))
            let statements = reader["attachPolicy", "Statement"]?.items ?? []
            XCTAssertEqual(statements.flatMap { ($0["Resource"]?.items ?? []).compactMap(\.string) },
                           ["arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:prod/\(namespace)/*"], "only its own namespace's prefix")
            XCTAssertEqual(Set(statements.flatMap { ($0["Action"]?.items ?? []).compactMap(\.string) }), ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"])
            XCTAssertEqual(statements.compactMap { $0["Effect"]?.string }, ["Allow"])
        }
    }

    /// A hostile namespace cannot widen a grant: IAM reads `*` and `?` in a resource as wildcards, so a namespace (or
    /// cluster) named with them gets no store and no role, and no other namespace's policy changes.
    func testWildcardsInANamespaceOrClusterNameNeverReachAPolicy() throws {
        XCTAssertNil(SecretsStore.policy(cluster: "prod", namespace: "*", region: "eu-west-1", accountID: "123456789012"))
        XCTAssertNil(SecretsStore.policy(cluster: "prod", namespace: "sh?p", region: "eu-west-1", accountID: "123456789012"))
        XCTAssertNil(SecretsStore.policy(cluster: "prod", namespace: "${aws:username}", region: "eu-west-1", accountID: "123456789012"))
        XCTAssertNil(SecretsStore.policy(cluster: "prod", namespace: "shop/..", region: "eu-west-1", accountID: "123456789012"), "no / to climb prefixes")
        XCTAssertNil(SecretsStore.policy(cluster: "pr*d", namespace: "shop", region: "eu-west-1", accountID: "123456789012"))
        XCTAssertNil(SecretsStore.policy(cluster: "prod", namespace: "", region: "eu-west-1", accountID: "123456789012"))

        let database = try AppDatabase.inMemory()
        let folder = try writeManifests(["s.yaml": ["shop", "*", "sh?p", "team-a"].map { namespace in
            "apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: \"\(namespace)\"}\ntype: Opaque\ndata: {password: aHVudGVyMg==}\n"
        }.joined(separator: "---\n")], test: self)
        try importPaths([folder.path], cluster: "src", into: database)
        let plan = try TransitionPlanner(database: database, reference: try ReferenceData.embedded())
            .run(PlanRequest(target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow))
        XCTAssertEqual((plan.identity.secretReaders ?? []).map(\.namespace), ["shop", "team-a"])
        let config = try XCTUnwrap(try plan.eksctlConfigs().first).yaml
        let root = try XCTUnwrap(try ManifestText.objects(config).first)
        let resources = (root["iam", "serviceAccounts"]?.items ?? []).flatMap { ($0["attachPolicy", "Statement"]?.items ?? []).flatMap { ($0["Resource"]?.items ?? []).compactMap(\.string) } }
        XCTAssertEqual(resources, ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:src/shop/*", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:src/team-a/*"])
        XCTAssertFalse(resources.contains { $0.dropLast().contains("*") || $0.contains("?") }, "\(resources)")
        XCTAssertFalse(config.contains("hunter2") || config.contains("aHVudGVyMg"), "a Secret's value reaches the eksctl config")
    }

    // MARK: 3. cluster-admin bindings and SEC009

    func testClusterAdminBindingsAreHeldOutOfConvertForAnAccessDecision() throws {
        let (plan, folder) = try Self.demo.get()
        let support = folder.appendingPathComponent("converted/prod/wave-0/support")
        let files = try FileManager.default.contentsOfDirectory(atPath: support.path)
        XCTAssertFalse(files.contains { $0.contains("ci-deployer-admin") }, "\(files)")
        let kustomization = try String(contentsOf: support.appendingPathComponent("kustomization.yaml"), encoding: .utf8)
        XCTAssertFalse(kustomization.contains("ci-deployer-admin"), kustomization)
        let changes = try String(contentsOf: folder.appendingPathComponent("converted/prod/wave-0/CHANGES.md"), encoding: .utf8)
        XCTAssertTrue(changes.contains("ClusterRoleBinding ci-deployer-admin not written"), changes)
        let access = try item(plan, "plan:access:prod")
        XCTAssertTrue(access.evidence.contains("ServiceAccount platform/jenkins-deployer"), access.evidence)
        XCTAssertTrue(try item(plan, "plan:platform:prod").prerequisites.contains(.plan(.access, cluster: "prod")))
        // A ServiceAccount gets the namespaced admin role, never cluster-admin again.
        let grant = try XCTUnwrap(access.commands.first { $0.contains("create rolebinding") }, "\(access.commands)")
        XCTAssertTrue(grant.contains("--clusterrole=admin") && grant.contains("--serviceaccount='platform:jenkins-deployer'"), grant)
        XCTAssertFalse(access.commands.contains { $0.contains("clusterrole=cluster-admin") || $0.contains("create clusterrolebinding") })
        XCTAssertNil(plan.items.first { $0.keyText == "plan:access:staging" }, "staging has no such binding")
    }

    func testAUserWithClusterAdminGetsAnAccessEntryScopedToNamespaces() throws {
        let database = try AppDatabase.inMemory()
        let folder = try writeManifests(["rbac.yaml": """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: release-admins}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
            subjects: [{kind: User, name: "release-bot", apiGroup: rbac.authorization.k8s.io}, {kind: Group, name: "system:masters", apiGroup: rbac.authorization.k8s.io}]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: ci-view}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
            subjects: [{kind: User, name: "release-bot", apiGroup: rbac.authorization.k8s.io}]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: team-owner, namespace: team}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
            subjects: [{kind: User, name: "team-lead", apiGroup: rbac.authorization.k8s.io}]
            """], test: self)
        try importPaths([folder.path], cluster: "src", into: database)
        let plan = try TransitionPlanner(database: database, reference: try ReferenceData.embedded())
            .run(PlanRequest(target: KubernetesVersion(major: 1, minor: 33), region: "cn-north-1", accountID: "123456789012", now: fixedNow))
        let access = try item(plan, "plan:access:src")
        XCTAssertTrue(access.evidence.contains("release-admins → User release-bot"), access.evidence)
        XCTAssertFalse(access.evidence.contains("system:masters"), "Kubernetes' own group is not a grantee")
        XCTAssertFalse(access.evidence.contains("ci-view"), "a view binding is no cluster-admin")
        XCTAssertFalse(access.evidence.contains("team-owner"), "a RoleBinding gives cluster-admin in its namespace only")
        XCTAssertTrue(access.commands.contains { $0.hasPrefix("aws eks create-access-entry --region 'cn-north-1'") }, "\(access.commands)")
        let associate = try XCTUnwrap(access.commands.first { $0.hasPrefix("aws eks associate-access-policy") })
        XCTAssertTrue(associate.contains("'arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy'"), associate)
        XCTAssertTrue(associate.contains("--access-scope type=namespace,"), associate)
    }

    func testSEC009FindsGrantsToEveryServiceAccountAndClusterAdminToANamespacesPods() throws {
        func reason(_ role: String, _ group: String, kind: String = "Group") throws -> String? {
            let body = try XCTUnwrap(try ManifestText.objects("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: b}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "\(role)"}
                subjects: [{kind: \(kind), name: "\(group)", apiGroup: rbac.authorization.k8s.io}]
                """).first)
            return UnsafeClusterAccessCheck.reason(body, kind: "ClusterRoleBinding")?.why
        }
        XCTAssertEqual(try reason("edit", "system:serviceaccounts"), "grants ClusterRole edit to system:serviceaccounts: every pod of every namespace gets it")
        XCTAssertNotNil(try reason("cluster-admin", "system:serviceaccounts:ci"))
        XCTAssertNil(try reason("view", "system:serviceaccounts:ci"), "Kubernetes documents namespaced grants to a namespace's ServiceAccounts")
        XCTAssertNil(try reason("system:service-account-issuer-discovery", "system:serviceaccounts"), "Kubernetes' own default binding")
        XCTAssertNil(try reason("cluster-admin", "system:serviceaccounts:"), "no namespace named")
        XCTAssertNotNil(try reason("view", "system:anonymous", kind: "User"), "system:anonymous is a user")
    }

    // MARK: 4. Spot

    func testMoneyAndUnevictableWorkloadsStayOffSpotAndThePlanSaysWhy() throws {
        func deployment(_ name: String, labels: String = "") -> String {
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: \(name), namespace: shop}
            spec:
              replicas: 3
              selector: {matchLabels: {app: \(name)}}
              template:
                metadata: {labels: {app: \(name)\(labels)}}
                spec: {containers: [{name: main, image: "registry.k8s.io/pause:3.9", resources: {requests: {cpu: 250m, memory: 256Mi}}}]}
            ---

            """
        }
        let database = try AppDatabase.inMemory()
        let folder = try writeManifests(["shop.yaml": deployment("web") + deployment("payments-api") + deployment("gateway", labels: ", app.kubernetes.io/part-of: Billing")
            + deployment("search") + """
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata: {name: search, namespace: shop}
            spec: {minAvailable: 3, selector: {matchLabels: {app: search}}}
            ---
            # Guarded namespace: kept off Fargate (no policy enforcement there), so the choice is Spot or on-demand.
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: default-deny, namespace: shop}
            spec: {podSelector: {}, policyTypes: [Ingress]}
            """], test: self)
        try importPaths([folder.path], cluster: "src", into: database)
        let plan = try TransitionPlanner(database: database, reference: try ReferenceData.embedded())
            .run(PlanRequest(target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow))
        let compute = try XCTUnwrap(plan.compute.first)
        let targets = Dictionary(compute.placements.map { ($0.workload, $0.target) }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(targets["Deployment/shop/web"], "spot", "\(targets)")
        for workload in ["Deployment/shop/payments-api", "Deployment/shop/gateway", "Deployment/shop/search"] {
            XCTAssertNotEqual(targets[workload], "spot", workload)
            XCTAssertNotNil(targets[workload], workload)
        }
        let note = try XCTUnwrap(compute.notes.first { $0.hasPrefix("Spot: kept on on-demand nodes") }, "\(compute.notes)")
        XCTAssertTrue(note.contains("Deployment/shop/payments-api (handles money (payment)"), note)
        XCTAssertTrue(note.contains("Deployment/shop/gateway (handles money (billing)"), note)
        XCTAssertTrue(note.contains("Deployment/shop/search (its PodDisruptionBudget allows no eviction)"), note)
        XCTAssertFalse(note.contains("shop/web"), note)
    }
}
