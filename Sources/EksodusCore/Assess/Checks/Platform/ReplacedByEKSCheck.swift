/// Components EKS provides itself (control plane, CoreDNS, kube-proxy, the CNI, in-cluster load balancers and local
/// provisioners): they are replaced on EKS, not moved, and their findings are set apart.
struct ReplacedByEKSCheck: Check {
    let info = CheckInfo(
        id: "PLT002", title: "Component replaced by EKS", severity: .info, category: .platform,
        rationale: "EKS runs the control plane and installs the VPC CNI, kube-proxy and CoreDNS itself; moving the source cluster's copies would fight the ones EKS manages.",
        remediation: "Do not migrate it: configure what replaces it (the EKS add-on, the AWS Load Balancer Controller, the EBS CSI driver) in the platform wave, and carry over only its settings (CoreDNS stub domains, NetworkPolicies).",
        triggering: ["""
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: kube-flannel-ds, namespace: kube-system}
            spec:
              selector: {matchLabels: {app: flannel}}
              template:
                metadata: {labels: {app: flannel}}
                spec: {containers: [{name: kube-flannel, image: 'quay.io/coreos/flannel:v0.11.0'}]}
            """, """
            apiVersion: v1
            kind: Pod
            metadata: {name: kube-apiserver-master-1, namespace: kube-system, labels: {component: kube-apiserver, tier: control-plane}}
            spec: {containers: [{name: kube-apiserver, image: 'registry.k8s.io/kube-apiserver:v1.24.17'}]}
            """],
        nonTriggering: ["""
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: etcd, namespace: shop}
            spec:
              selector: {matchLabels: {app: etcd}}
              template:
                metadata: {labels: {app: etcd}}
                spec: {containers: [{name: etcd, image: 'quay.io/coreos/etcd:v3.5.9'}]}
            """, """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: descheduler, namespace: kube-system}
            spec:
              selector: {matchLabels: {app: descheduler}}
              template:
                metadata: {labels: {app: descheduler}}
                spec: {containers: [{name: descheduler, image: 'registry.k8s.io/descheduler/descheduler:v0.30.1'}]}
            """]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.workloads.compactMap { workload in
            guard let component = context.component(of: workload), component.role == .replaced else { return nil }
            return finding(workload, field: "metadata.name",
                           "\(workload.label) is \(component.name): replaced by EKS with \(component.replacedBy); not migrated")
        }
    }
}
