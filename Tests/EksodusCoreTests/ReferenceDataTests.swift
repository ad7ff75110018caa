import Foundation
import XCTest
@testable import EksodusCore

final class ReferenceDataTests: XCTestCase {
    func testEmbeddedTablesParse() throws {
        let data = try ReferenceData.embedded()
        XCTAssertGreaterThan(data.apiVersions.count, 80)
        XCTAssertEqual(data.eksVersion(KubernetesVersion(major: 1, minor: 33))?.endOfStandard, "2026-07-29")
        XCTAssertEqual(data.provisioner("kubernetes.io/gce-pd")?.kind, "in-tree")
        XCTAssertEqual(data.pullThroughUpstream(for: "quay.io")?.prefix, "quay")
        XCTAssertEqual(data.pullThroughUpstream(for: "acme.azurecr.io")?.prefix, "azure-acme")
        XCTAssertNil(data.pullThroughUpstream(for: "gcr.io"), "gcr.io is not a supported upstream")
    }

    /// A prefix names one registry: hosts that a readable prefix would fold together (cut at 30 characters, an extra
    /// label, another case, a doubled '-') each keep their own, within ECR's pattern and 30 characters.
    func testPerRegistryPrefixesNeverFoldTwoRegistriesTogether() throws {
        let data = try ReferenceData.embedded()
        let hosts = ["contosoprodregistryweu001.azurecr.io", "contosoprodregistryweu000.azurecr.io", "acme.azurecr.io",
                     "acme.evil.azurecr.io", "ACME.azurecr.io", "ac--me.azurecr.io", "ac-me.azurecr.io",
                     "210987654321.dkr.ecr.ap-northeast-2.amazonaws.com", "210987654321.dkr.ecr.ap-northeast-2.x.amazonaws.com"]
        let prefixes = try hosts.map { try XCTUnwrap(data.pullThroughUpstream(for: $0)?.prefix, $0) }
        XCTAssertEqual(Set(prefixes).count, hosts.count, "\(prefixes)")
        for prefix in prefixes {
            XCTAssertTrue((2...30).contains(prefix.count), prefix)
            XCTAssertEqual(ECRRepositoryName.make(prefix), prefix, prefix)
        }
        XCTAssertEqual(prefixes[2], "azure-acme", "a plain short name stays readable")
        XCTAssertTrue(prefixes[0].hasPrefix("azure-contosoprod"), prefixes[0])
    }

    /// Data stores by image name (not by prefix: an exporter is no database), node system paths by location.
    func testDataStoresAndNodeSystemPathsComeFromTheirTables() throws {
        let data = try ReferenceData.embedded()
        XCTAssertEqual(data.database(image: "bitnami/postgresql:16.4.0")?.name, "postgres")
        XCTAssertEqual(data.database(image: "public.ecr.aws/docker/library/redis:8.10.1-alpine")?.name, "redis")
        XCTAssertEqual(data.database(image: "confluentinc/cp-kafka:7.6.1")?.name, "kafka")
        XCTAssertNil(data.database(image: "quay.io/prometheuscommunity/postgres-exporter:v0.15.0"))
        XCTAssertNil(data.database(image: "mongo-express:1.0"))
        XCTAssertNil(data.database(image: "memcached:1.6"), "memcached keeps nothing on disk")
        for path in ["/etc/ssl/certs", "/etc/pki/tls", "/tmp", "/var/run/secrets.sock", "/var/lib/kubelet/pods", "/var/log/", "/",
                     "/etc", "/root/.ssh", "/var/lib/etcd/member",
                     // other spellings of the same locations: doubled slashes, '.' components, a backstep
                     "//etc/kubernetes/pki", "/./var/lib/kubelet", "/var//lib/etcd", "/srv/../etc/kubernetes", "/data/../../root"] {
            XCTAssertTrue(data.isNodeSystemPath(path), path)
        }
        for path in ["/srv/data", "/data", "/var/lib/mysql", "/mnt/disks/ssd1", "/var/lib/kubeletx", "/tmpdata", "/etcdata", "//srv//data/", "/rootfs-data"] {
            XCTAssertFalse(data.isNodeSystemPath(path), path)
        }
        let ecr = try XCTUnwrap(data.pullThroughUpstream(for: "210987654321.dkr.ecr.ap-northeast-2.amazonaws.com"))
        XCTAssertEqual(ecr.prefix, "ecr-210987654321-apne2")
        XCTAssertEqual(ecr.upstreamURL, "210987654321.dkr.ecr.ap-northeast-2.amazonaws.com")
        XCTAssertEqual(ecr.auth, .role)
        XCTAssertNil(data.pullThroughUpstream(for: "dkr.ecr.amazonaws.com"))
    }

    /// Every Kubernetes row of pluto's versions.yaml is in eksodus's API table, with pluto's removal version
    /// unless the table documents a correction (EKS-FACTS.md §1).
    func testEveryPlutoKubernetesRowIsInTheAPITable() throws {
        let fixtures = try requireFixtures()
        let pluto = fixtures.deletingLastPathComponent().appendingPathComponent("reference/pluto/versions.yaml")
        let root = try XCTUnwrap(try ManifestText.objects(String(contentsOf: pluto, encoding: .utf8)).first)
        let rows = (root["deprecated-versions"]?.items ?? []).filter { $0["component"]?.string == "k8s" }
        XCTAssertEqual(rows.count, 86)
        let data = try ReferenceData.embedded()
        let corrected = ["flowcontrol.apiserver.k8s.io/v1beta1 FlowSchema", "flowcontrol.apiserver.k8s.io/v1beta1 PriorityLevelConfiguration"]
        for row in rows {
            let apiVersion = try XCTUnwrap(row["version"]?.string), kind = try XCTUnwrap(row["kind"]?.string)
            guard let entry = data.apiVersions.first(where: { $0.apiVersion == apiVersion && $0.kind == kind }) else {
                XCTFail("\(apiVersion) \(kind) is missing from data/kubernetes-api-removals.yaml")
                continue
            }
            let plutoRemoved = row["removed-in"]?.string.flatMap(KubernetesVersion.init)
            if corrected.contains("\(apiVersion) \(kind)") {
                XCTAssertEqual(entry.removedIn, KubernetesVersion(major: 1, minor: 26), "\(apiVersion) \(kind)")
            } else {
                XCTAssertEqual(entry.removedIn, plutoRemoved, "\(apiVersion) \(kind)")
            }
            if apiVersion == "flowcontrol.apiserver.k8s.io/v1beta3" {
                // Corrected from the migration guide: served from 1.26, deprecated once v1 arrived in 1.29.
                XCTAssertEqual(entry.deprecatedIn, KubernetesVersion(major: 1, minor: 29), "\(apiVersion) \(kind)")
            } else {
                XCTAssertEqual(entry.deprecatedIn, row["deprecated-in"]?.string.flatMap(KubernetesVersion.init), "\(apiVersion) \(kind)")
            }
        }
    }

    func testFargateSizesRoundUpWithOverhead() throws {
        let data = try ReferenceData.embedded()
        // EKS docs' example: 1 vCPU / 8 GB requested becomes 2 vCPU / 9 GB once Fargate adds its 256 MB.
        let size = try XCTUnwrap(data.fargateSize(cpuMillicores: 1000, memoryBytes: 8 * 1_073_741_824))
        XCTAssertEqual(size.vcpu, 2)
        XCTAssertEqual(size.memoryGB, 9)
        let smallest = try XCTUnwrap(data.fargateSize(cpuMillicores: 0, memoryBytes: 0))
        XCTAssertEqual(smallest.vcpu, 0.25)
        XCTAssertEqual(smallest.memoryGB, 0.5)
        XCTAssertNil(data.fargateSize(cpuMillicores: 32000, memoryBytes: 0))
    }

    func testKubernetesVersionParsing() {
        XCTAssertEqual(KubernetesVersion("v1.16.0"), KubernetesVersion(major: 1, minor: 16))
        XCTAssertEqual(KubernetesVersion("1.33"), KubernetesVersion(major: 1, minor: 33))
        XCTAssertNil(KubernetesVersion("latest"))
        XCTAssertLessThan(KubernetesVersion(major: 1, minor: 9), KubernetesVersion(major: 1, minor: 16))
    }
}
