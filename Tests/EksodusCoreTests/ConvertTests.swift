import Foundation
import XCTest
@testable import EksodusCore

/// `eksodus convert`: what each wave deploys on EKS, from the plan, valid for the target version.
final class ConvertTests: XCTestCase {
    let reference = try! ReferenceData.embedded()

    /// Imports `paths` as cluster `src`, plans for 1.35 and converts everything; returns the plan and every written file's text.
    func convert(_ paths: [String], target: KubernetesVersion = KubernetesVersion(major: 1, minor: 35)) throws -> (TransitionPlan, URL, [String: String]) {
        let database = try AppDatabase.inMemory()
        try importPaths(paths, cluster: "src", into: database)
        let plan = try TransitionPlanner(database: database, reference: reference)
            .run(PlanRequest(name: "p", target: target, region: "eu-west-1", accountID: "123456789012", now: fixedNow))
        let estates = try database.writer.read { try Estate.load($0) }
        let out = try temporaryFolder(self)
        _ = try ConvertedManifests(plan: plan, reference: reference).write(estates: estates, to: out)
        var files: [String: String] = [:]
        for case let url as URL in FileManager.default.enumerator(at: out, includingPropertiesForKeys: nil) ?? FileManager.default.enumerator(atPath: "/")!
        where url.pathExtension == "yaml" || url.pathExtension == "md" {
            files[String(url.path.dropFirst(out.path.count + 1))] = try String(contentsOf: url, encoding: .utf8)
        }
        return (plan, out, files)
    }

    func objects(_ files: [String: String]) throws -> [ManifestNode] {
        try files.filter { $0.key.hasSuffix(".yaml") && !$0.key.hasSuffix("kustomization.yaml") }.flatMap { try ManifestText.objects($0.value, name: $0.key) }
    }

    func testOldAPIDeploymentsComeOutAppsV1WithSelectors() throws {
        let fixtures = try requireFixtures()
        let (_, _, files) = try convert([fixtures.appendingPathComponent("08-sock-shop-2018-old-apis").path])
        let workloads = try objects(files).filter { ["Deployment", "DaemonSet", "StatefulSet"].contains($0["kind"]?.string ?? "") }
        XCTAssertGreaterThan(workloads.count, 10)
        for workload in workloads {
            let name = workload["metadata", "name"]?.string ?? "?"
            XCTAssertEqual(workload["apiVersion"]?.string, "apps/v1", name)
            let selector = try XCTUnwrap(workload["spec", "selector", "matchLabels"]?.stringMap, name)
            let labels = workload["spec", "template", "metadata", "labels"]?.stringMap ?? [:]
            XCTAssertFalse(selector.isEmpty, name)
            XCTAssertTrue(selector.allSatisfy { labels[$0.key] == $0.value }, "\(name): the selector picks the template")
        }
        XCTAssertFalse(try objects(files).contains { $0["apiVersion"]?.string == "extensions/v1beta1" })
    }

    func testNoInTreeVolumeTypeRemains() throws {
        let fixtures = try requireFixtures()
        let (_, _, files) = try convert([fixtures.appendingPathComponent("10-k8s-examples-intree-storage").path])
        let inTree = ["gcePersistentDisk", "awsElasticBlockStore", "azureDisk", "azureFile", "cinder", "vsphereVolume", "portworxVolume", "rbd",
                      "glusterfs", "cephfs", "flocker", "quobyte", "scaleIO", "storageos", "photonPersistentDisk", "iscsi", "fc", "nfs"]
        func keys(_ node: ManifestNode) -> [String] {
            switch node {
            case .mapping(let entries): return entries.flatMap { [$0.key] + keys($0.value) }
            case .sequence(let items): return items.flatMap(keys)
            case .scalar: return []
            }
        }
        for (file, text) in files where file.hasSuffix(".yaml") {
            let found = try ManifestText.objects(text, name: file).flatMap(keys).filter(inTree.contains)
            XCTAssertEqual(found, [], "\(file) still has an in-tree volume type")
            for provisioner in ["kubernetes.io/gce-pd", "kubernetes.io/aws-ebs", "kubernetes.io/azure-disk", "kubernetes.io/cinder"] {
                XCTAssertFalse(text.contains(provisioner), "\(file) still names \(provisioner)")
            }
        }
        XCTAssertFalse(try objects(files).contains { $0["kind"]?.string == "PersistentVolume" }, "PVs are provisioned anew")
    }

    func testEveryImagePointsAtThePlansECRRepository() throws {
        let fixtures = try requireFixtures()
        let (plan, _, files) = try convert([fixtures.appendingPathComponent("01-gcp-online-boutique").path])
        let targets = Set(plan.images.entries.map(\.targetReference))
        var seen = 0
        for object in try objects(files) {
            let pod = object["kind"]?.string == "Pod" ? object["spec"] : object["spec", "template", "spec"]
            for container in (pod?["containers"]?.items ?? []) + (pod?["initContainers"]?.items ?? []) {
                let image = try XCTUnwrap(container["image"]?.string)
                XCTAssertTrue(targets.contains(image), image)
                XCTAssertTrue(image.hasPrefix("123456789012.dkr.ecr.eu-west-1.amazonaws.com/"), image)
                seen += 1
            }
        }
        XCTAssertEqual(seen, 13, "12 Deployments, one with an init container")
    }

    func testNoSecretValueAndNoLastAppliedConfigurationIsWritten() throws {
        let canary = "CANARY-\(UUID().uuidString)"
        let folder = try writeManifests(["app.yaml": """
            apiVersion: v1
            kind: Secret
            metadata:
              name: db
              namespace: shop
              annotations:
                kubectl.kubernetes.io/last-applied-configuration: '{"apiVersion":"v1","kind":"Secret","stringData":{"password":"\(canary)"}}'
            type: Opaque
            stringData: {password: "\(canary)"}
            data: {user: \(Data(canary.utf8).base64EncodedString())}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: shop
              annotations:
                kubectl.kubernetes.io/last-applied-configuration: '{"kind":"Deployment","metadata":{"name":"web"}}'
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers:
                  - name: web
                    image: nginx:1.27
                    env: [{name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: db, key: password}}}]
            """], test: self)
        let (_, _, files) = try convert([folder.path])
        let external = try XCTUnwrap(try objects(files).first { $0["kind"]?.string == "ExternalSecret" })
        XCTAssertEqual(Set((external["spec", "data"]?.items ?? []).compactMap { $0["secretKey"]?.string }), ["password", "user"])
        for (file, text) in files {
            XCTAssertFalse(text.contains(canary), "\(file) carries a secret value")
            XCTAssertFalse(text.contains(Data(canary.utf8).base64EncodedString()), file)
            XCTAssertFalse(text.contains("last-applied-configuration"), file)
        }
        let changes = try XCTUnwrap(files.first { $0.key.hasSuffix("CHANGES.md") && $0.value.contains("secretsmanager") }?.value)
        XCTAssertTrue(changes.contains("aws secretsmanager create-secret --region 'eu-west-1' --name 'src/shop/db' --secret-string file:///dev/stdin"), changes)
    }

    /// Every file written for every fixture, and for the sample, validates against the target's Kubernetes schemas.
    func testEveryConvertedFileValidatesAgainstTheTargetSchemas() throws {
        guard let validator = Self.which("kubernetes-validate") else { throw XCTSkip("kubernetes-validate is not installed (pip install kubernetes-validate)") }
        let fixtures = try requireFixtures()
        let entries = try FileManager.default.contentsOfDirectory(atPath: fixtures.path).filter { $0.first?.isNumber == true }.sorted()
        XCTAssertEqual(entries.count, 14)
        var folders: [(String, URL)] = []
        for entry in entries {
            let (_, out, _) = try convert([fixtures.appendingPathComponent(entry).path])
            folders.append((entry, out))
        }
        let demo = try Demo(folder: try temporaryFolder(self), now: fixedNow).run()
        folders.append(("demo", demo.folder.appendingPathComponent("converted")))
        for (name, out) in folders {
            let yaml = (FileManager.default.enumerator(atPath: out.path)?.allObjects as? [String] ?? [])
                .filter { $0.hasSuffix(".yaml") && !$0.hasSuffix("kustomization.yaml") }.map { out.appendingPathComponent($0).path }
            XCTAssertFalse(yaml.isEmpty, name)
            let (status, output) = try Self.run(validator, ["-k", "1.35", "--quiet"] + yaml)
            let failures = output.split(separator: "\n").filter { !$0.hasPrefix("WARN") || !$0.contains("Couldn't find schema") }
            XCTAssertEqual(status, 0, "\(name): \(failures.joined(separator: "\n"))")
            XCTAssertEqual(failures, [], name)
        }
    }

    func testEveryWaveFolderBuildsWithKustomize() throws {
        guard let kubectl = Self.which("kubectl") else { throw XCTSkip("kubectl is not installed (Debian: kubernetes-client)") }
        let demo = try Demo(folder: try temporaryFolder(self), now: fixedNow).run()
        var roots = [demo.folder.appendingPathComponent("converted")]
        if let fixtures = fixturesFolder() {
            for entry in try FileManager.default.contentsOfDirectory(atPath: fixtures.path).filter({ $0.first?.isNumber == true }).sorted() {
                roots.append(try convert([fixtures.appendingPathComponent(entry).path]).1)
            }
        }
        var built = 0
        for root in roots {
            let waves = (FileManager.default.enumerator(atPath: root.path)?.allObjects as? [String] ?? []).filter { $0.hasSuffix("kustomization.yaml") }
            XCTAssertFalse(waves.isEmpty, root.path)
            for wave in waves {
                let (status, output) = try Self.run(kubectl, ["kustomize", root.appendingPathComponent(wave).deletingLastPathComponent().path])
                XCTAssertEqual(status, 0, "\(wave): \(output)")
                built += 1
            }
        }
        XCTAssertGreaterThan(built, 10)
    }

    func testSpotWorkloadsAndNodeAgentsGetTheTolerationsThePlanImplies() throws {
        let demo = try Demo(folder: try temporaryFolder(self), now: fixedNow).run()
        let root = demo.folder.appendingPathComponent("converted")
        let compute = demo.plan.compute.flatMap { plan in plan.placements.map { (plan.cluster, $0) } }
        var checked = 0
        for (cluster, placement) in compute where placement.target == "spot" || placement.target == "stateful" || placement.target == "every node" {
            let parts = placement.workload.split(separator: "/").map(String.init)
            guard parts.count == 3 else { continue }
            var unused: Set<String> = []
            let name = ConvertedLayout.uniqueFileName(for: placement.workload, used: &unused)
            let files = (FileManager.default.enumerator(atPath: root.appendingPathComponent(cluster).path)?.allObjects as? [String] ?? [])
                .filter { $0.hasSuffix("/" + name) }
            guard let file = files.first else { continue }
            let object = try XCTUnwrap(try ManifestText.objects(String(contentsOf: root.appendingPathComponent(cluster).appendingPathComponent(file), encoding: .utf8)).first)
            let pod = parts[0] == "CronJob" ? object["spec", "jobTemplate", "spec", "template", "spec"] : object["spec", "template", "spec"]
            let tolerations = pod?["tolerations"]?.items ?? []
            switch placement.target {
            case "spot": XCTAssertTrue(tolerations.contains { $0["key"]?.string == "spot" }, placement.workload)
            case "every node": XCTAssertTrue(tolerations.contains { $0["operator"]?.string == "Exists" }, placement.workload)
            default: XCTAssertFalse(tolerations.contains { $0["key"]?.string == "spot" }, "\(placement.workload) holds data: never on Spot")
            }
            checked += 1
        }
        XCTAssertGreaterThan(checked, 3)
    }

    /// An expert's review: applied with its wave, a CronJob would run beside the source's; an ImplementationSpecific path
    /// matches literally on an ALB; a placeholder certificate ARN breaks the whole IngressGroup.
    func testConvertedCronJobsAreSuspendedAndALBPathsArePrefixes() throws {
        let demo = try Demo(folder: try temporaryFolder(self), now: fixedNow).run()
        let root = demo.folder.appendingPathComponent("converted")
        var objects: [ManifestNode] = []
        for file in (FileManager.default.enumerator(atPath: root.path)?.allObjects as? [String] ?? []) where file.hasSuffix(".yaml") && !file.hasSuffix("kustomization.yaml") {
            objects += try ManifestText.objects(String(contentsOf: root.appendingPathComponent(file), encoding: .utf8))
        }
        let cronJobs = objects.filter { $0["kind"]?.string == "CronJob" }
        XCTAssertFalse(cronJobs.isEmpty)
        XCTAssertTrue(cronJobs.allSatisfy { $0["spec", "suspend"]?.bool == true })
        // None of the demo's sets a starting deadline: the file carries the enable step's, so a copy created again from it
        // does not run every schedule missed while suspended.
        for cronJob in cronJobs {
            XCTAssertEqual(cronJob["spec", "startingDeadlineSeconds"]?.int, CronJobEnable.deadline, cronJob["metadata", "name"]?.string ?? "?")
        }
        let ingresses = objects.filter { $0["kind"]?.string == "Ingress" }
        XCTAssertFalse(ingresses.isEmpty)
        for ingress in ingresses {
            XCTAssertNil(ingress["metadata", "annotations", "alb.ingress.kubernetes.io/certificate-arn"])
            for rule in ingress["spec", "rules"]?.items ?? [] {
                for path in rule["http", "paths"]?.items ?? [] where !(path["path"]?.string ?? "").contains("(") {
                    XCTAssertEqual(path["pathType"]?.string, "Prefix", path["path"]?.string ?? "")
                }
            }
        }
        XCTAssertFalse(objects.contains { $0["kind"]?.string == "Deployment" && $0["metadata", "name"]?.string == "ingress-nginx-controller" },
                       "the AWS Load Balancer Controller replaces ingress-nginx")
    }

    static func which(_ tool: String) -> String? {
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/\(tool)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func run(_ tool: String, _ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
