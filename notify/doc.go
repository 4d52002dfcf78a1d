// Package notify delivers reminders to people: by email through an SMTP relay (Mailer)
// and by a signed webhook (Webhook), Slack-compatible. It imports nothing else of
// sellmigrate, so activities, the simulator and config can all use it.
//
// # Idempotency
//
// Every Message carries a Key unique per reminder and channel (for example
// sell-migration-1001/reminder/3/email) that stays the same when a delivery is
// retried. A mail carries it in X-Sellmigrate-Key and as a Message-ID derived from it
// (MessageID), a webhook in the Idempotency-Key header and the body's "key", so a
// receiver can drop a resend.
//
// # Errors
//
// Send and Post return an *Error. Permanent(err) says retrying cannot help (SMTP 5xx,
// an address or credentials refused, a certificate that does not verify, HTTP 4xx
// other than 408 and 429, a redirect); everything else is transient. RetryAfter(err)
// exposes a webhook receiver's Retry-After (429 or 503).
//
// # Webhook body and signature
//
// The body is JSON that a Slack incoming webhook accepts as is:
//
//	{"text": "*Subject*\nBody\n<https://…|Open the migration>",
//	 "blocks": [section with the text, actions with a link button],
//	 "migration_id": "sell-migration-1001", "key": "…", "link": "https://…", "subject": "…"}
//
// Each request carries three headers:
//
//	X-Sellmigrate-Timestamp: 1718000000                 (unix seconds when it was sent)
//	X-Sellmigrate-Signature: v1=<hex HMAC-SHA256(secret, "v1:" + timestamp + ":" + body)>
//	Idempotency-Key: <Message.Key>
//
// as Slack signs its own requests. A receiver recomputes the HMAC over the raw body
// bytes with the shared secret, compares in constant time, and refuses a timestamp more
// than five minutes from its clock, which stops replays; Verify does all of it. The
// signature header may list several comma-separated signatures (one per secret while a
// secret is rotated); one match suffices.
package notify
