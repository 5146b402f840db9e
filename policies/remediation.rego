# devops-agent remediation policy for Open Policy Agent: the same default
# rules as the built-in engine (policies/default-policy.json).
#
# Queried as POST /v1/data/devops/remediation/decision with {"input": ...}
# (OPA_POLICY_PATH=devops/remediation/decision). The input, snake_case:
#   action:    {plugin, operation, params, risk, target, recent_executions, window_sec}
#   incident:  {category, confidence, learned}
#   context:   {service, namespace, environment, host}
#   principal: {key_id, tenant, role}
#   mode:      "safe" | "auto";  phase: "plan" | "approval"
# The decision: {"allow": bool, "require_approval": bool, "reasons": [string]}.
# The agent fails closed: anything else (or no answer in OPA_TIMEOUT_MS) denies.
package devops.remediation

import rego.v1

min_confidence := 0.6

approval_risks := {"medium", "high"}

approval_environments := {"production"}

learned_needs_approval := true

allowed_plugins := {"notify", "webhook", "command"}

max_executions := 3

# Denials, in the built-in engine's order; the first that applies is the reason.
denials contains msg if {
	not input.action.plugin in allowed_plugins
	msg := sprintf("plugin %s is not on the policy's plugin allowlist", [input.action.plugin])
}

denials contains msg if {
	input.incident.confidence < min_confidence
	msg := sprintf("confidence %.2f is below the minimum %v", [input.incident.confidence, min_confidence])
}

denials contains msg if {
	input.action.recent_executions >= max_executions
	msg := sprintf(
		"blast radius reached: %d executions on %s in the last %d s (limit %d)",
		[input.action.recent_executions, input.action.target, input.action.window_sec, max_executions],
	)
}

approvals contains msg if {
	input.action.risk in approval_risks
	msg := sprintf("%s-risk action needs approval", [input.action.risk])
}

approvals contains msg if {
	input.context.environment in approval_environments
	msg := sprintf("%s needs approval", [input.context.environment])
}

approvals contains "category was learned, not observed" if {
	learned_needs_approval
	input.incident.learned == true
}

default decision := {"allow": false, "require_approval": false, "reasons": ["no decision"]}

decision := {"allow": false, "require_approval": false, "reasons": sort(denials)} if {
	count(denials) > 0
}

decision := {"allow": true, "require_approval": true, "reasons": sort(approvals)} if {
	count(denials) == 0
	count(approvals) > 0
}

decision := {
	"allow": true,
	"require_approval": false,
	"reasons": [sprintf("%s-risk action on a confident diagnosis", [input.action.risk])],
} if {
	count(denials) == 0
	count(approvals) == 0
}
