package notify

import "strings"

// Slack limits a section's text to 3000 characters and refuses the whole message
// (400 invalid_blocks) beyond it, which would make a long reminder fail permanently.
const slackSectionLimit = 3000

// payload is the Slack-compatible body of m. Slack reads text as mrkdwn, where &, < and
// > must be escaped; the link is rendered as a button and, for clients that show only
// text (notifications), as a link at the end of text.
func payload(m Message) WebhookPayload {
	head := "*" + slackEscape(m.Subject) + "*"
	if body := strings.TrimSpace(m.Body); body != "" {
		head += "\n" + slackEscape(body)
	}
	text := head
	if m.Link != "" {
		text += "\n<" + m.Link + "|Open the migration>"
	}
	blocks := []map[string]any{{
		"type": "section",
		"text": map[string]any{"type": "mrkdwn", "text": truncateRunes(head, slackSectionLimit)},
	}}
	if m.Link != "" {
		blocks = append(blocks, map[string]any{
			"type": "actions",
			"elements": []map[string]any{{
				"type": "button",
				"text": map[string]any{"type": "plain_text", "text": "Open the migration"},
				"url":  m.Link,
			}},
		})
	}
	return WebhookPayload{
		Text:        text,
		Blocks:      blocks,
		MigrationID: m.MigrationID,
		Key:         m.Key,
		Link:        m.Link,
		Subject:     m.Subject,
	}
}

var slackEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func slackEscape(s string) string { return slackEscaper.Replace(s) }

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
