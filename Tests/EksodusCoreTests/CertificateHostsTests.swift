import Foundation
import XCTest
@testable import EksodusCore

/// Only DNS names reach `aws acm request-certificate --domain-name`: a TLS host is manifest text.
final class CertificateHostsTests: XCTestCase {
    func testATLSHostThatIsNoDNSNameGetsNoCertificateRequest() throws {
        let folder = try writeManifests(["ing.yaml": """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: web, namespace: web}
            spec:
              tls: [{hosts: ["javascript:alert(1)", "shop.example.com"], secretName: web-tls}]
              rules: [{host: shop.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: web}
            spec: {selector: {app: web}, ports: [{port: 80}]}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: web}
            spec: {selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web, image: "nginx:1.27"}]}}}
            """], test: self)
        let (plan, _) = try planImported([folder.path], target: KubernetesVersion(major: 1, minor: 33))
        let certificates = try XCTUnwrap(plan.items.first { $0.keyText == "plan:certificates:src" })
        XCTAssertTrue(certificates.commands.contains { $0.contains("--domain-name 'shop.example.com'") }, "\(certificates.commands)")
        XCTAssertFalse(certificates.commands.contains { $0.contains("javascript") }, "\(certificates.commands)")
        XCTAssertFalse(certificates.title.contains("javascript"), certificates.title)
        XCTAssertTrue(certificates.commands.contains { $0.contains("1 TLS host(s) of these Ingresses are no DNS names") })
    }
}
