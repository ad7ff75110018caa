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
    /// `eksodus_target_health NAMESPACE INGRESS` (runbook library) fails unless every backend Service of the Ingress on
    /// EKS has a target group, each with at least one target, all `healthy`. What the cluster returns (Service names, ARNs)
    /// is read into variables, never pasted into code. An unreachable cluster, a failed AWS call, an Ingress with no
    /// backend, a Service without a binding and an empty target group each fail it. Loops read lines (a while loop over a
    /// process substitution keeps `ok` in this shell); grep reads all its input, so under pipefail no SIGPIPE turns a bad
    /// state into a pass.
    static let library = """
        # eksodus_target_health NAMESPACE INGRESS: every ALB target of every backend Service of the Ingress on EKS is healthy.
        eksodus_target_health() {
          local ok=1 services bindings service arns arn states label="Ingress $1/$2"
          services=$(kubectl --context "$EKS_CONTEXT" -n "$1" get "ingress/$2" -o jsonpath='{range .spec.rules[*].http.paths[*]}{.backend.service.name}{"\\n"}{end}{.spec.defaultBackend.service.name}') \\
            && bindings=$(kubectl --context "$EKS_CONTEXT" -n "$1" get targetgroupbindings.elbv2.k8s.aws -o jsonpath='{range .items[*]}{.spec.serviceRef.name}{" "}{.spec.targetGroupARN}{"\\n"}{end}') || ok=0
          while read -r service; do
            [ -n "$service" ] || continue
            arns=$(printf '%s\\n' "$bindings" | awk -v s="$service" '$1 == s { print $2 }')
            [ -n "$arns" ] || { echo "$label: Service $service has no target group on EKS" >&2; ok=0; continue; }
            while read -r arn; do
              states=$(aws elbv2 describe-target-health --target-group-arn "$arn" --query 'TargetHealthDescriptions[].TargetHealth.State' --output text < /dev/null) || { ok=0; continue; }
              [ -n "$states" ] || { echo "$label: no target registered for Service $service ($arn)" >&2; ok=0; }
              if printf '%s\\n' "$states" | tr -s '[:blank:]' '\\n' | grep -vx healthy >/dev/null; then echo "$label: a target of Service $service is not healthy: $states ($arn)" >&2; ok=0; fi
            done <<< "$arns"
          done < <(printf '%s\\n' "$services" | sort -u)
          [ -n "$(printf '%s' "$services" | tr -d '[:space:]')" ] || { echo "$label: no backend Service found on EKS" >&2; ok=0; }
          test "$ok" = 1
        }

        """

    /// The gate of Ingress `namespace/ingress` as one call (the switch's shifts make it before each change).
    static func command(namespace: String, ingress: String) -> String {
        "eksodus_target_health " + ShellQuote.word(namespace) + " " + ShellQuote.word(ingress) + "  # every ALB target healthy before any traffic moves"
    }
}
