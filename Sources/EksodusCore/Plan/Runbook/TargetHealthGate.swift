/// Before any weight moves to an ALB, every target of every target group behind the Ingress is healthy. An ALB whose
/// targets are all unhealthy fails open and sends requests to every one of them, dead pods included (Elastic Load Balancing
/// User Guide, "Health checks for Application Load Balancer target groups":
/// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html), so a shift to a
/// target group the health check never passed is an outage that looks like a working load balancer.
///
/// The AWS Load Balancer Controller binds each backend Service of an Ingress to its target group with a TargetGroupBinding
/// in the Service's namespace (`spec.serviceRef.name`, `spec.targetGroupARN`: https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/targetgroupbinding/targetgroupbinding/),
/// and `aws elbv2 describe-target-health` gives each target's state
/// (https://docs.aws.amazon.com/cli/latest/reference/elbv2/describe-target-health.html).
enum TargetHealthGate {
    /// One line that fails unless every backend Service of Ingress `namespace/name` on EKS has a target group, each with at
    /// least one target, all `healthy`. Names are quoted words; what the cluster returns (Service names, ARNs) is read into
    /// variables, never pasted into the line. An unreachable cluster, a failed AWS call, an Ingress with no backend, a Service
    /// without a binding and an empty target group each fail it.
    static func command(namespace: String, ingress: String) -> String {
        let kubectl = Kubectl.eks(namespace)
        let services = kubectl("get " + ShellQuote.word("ingress/" + ingress)
            + " -o jsonpath='{range .spec.rules[*].http.paths[*]}{.backend.service.name}{\"\\n\"}{end}{.spec.defaultBackend.service.name}'")
        let bindings = kubectl("get targetgroupbindings.elbv2.k8s.aws -o jsonpath='{range .items[*]}{.spec.serviceRef.name}{\" \"}{.spec.targetGroupARN}{\"\\n\"}{end}'")
        let label = ShellQuote.word("Ingress \(namespace)/\(ingress)")
        // Loops read lines (a while loop over a process substitution keeps tg_ok in this shell); grep reads all its input,
        // so under pipefail no SIGPIPE turns a bad state into a pass.
        return "tg_ok=1; tg_services=$(\(services)) && tg_bindings=$(\(bindings)) || tg_ok=0; "
            + "while read -r tg_service; do [ -n \"$tg_service\" ] || continue; "
            + "tg_arns=$(printf '%s\\n' \"$tg_bindings\" | awk -v s=\"$tg_service\" '$1 == s { print $2 }'); "
            + "[ -n \"$tg_arns\" ] || { echo \(label)\": Service $tg_service has no target group on EKS\" >&2; tg_ok=0; continue; }; "
            + "while read -r tg_arn; do "
            + "tg_states=$(aws elbv2 describe-target-health --target-group-arn \"$tg_arn\" --query 'TargetHealthDescriptions[].TargetHealth.State' --output text < /dev/null) || { tg_ok=0; continue; }; "
            + "[ -n \"$tg_states\" ] || { echo \(label)\": no target registered for Service $tg_service ($tg_arn)\" >&2; tg_ok=0; }; "
            + "if printf '%s\\n' \"$tg_states\" | tr -s '[:blank:]' '\\n' | grep -vx healthy >/dev/null; then echo \(label)\": a target of Service $tg_service is not healthy: $tg_states ($tg_arn)\" >&2; tg_ok=0; fi; "
            + "done <<< \"$tg_arns\"; done < <(printf '%s\\n' \"$tg_services\" | sort -u); "
            + "[ -n \"$(printf '%s' \"$tg_services\" | tr -d '[:space:]')\" ] || { echo \(label)\": no backend Service found on EKS\" >&2; tg_ok=0; }; "
            + "test \"$tg_ok\" = 1  # every ALB target healthy before any traffic moves"
    }
}
