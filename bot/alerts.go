package bot

import (
	"cmp"
	"context"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"newsdigest/subscriptions"
)

// DefaultAlertsPerDay is the most breaking-news alerts a chat gets a day
// when Config.AlertsPerDay is not set (delivery applies the same default).
const DefaultAlertsPerDay = 3

// alertsCmd answers /alerts: "on" or "off" (in either language) sets the
// chat's breaking-news alerts (in groups only its administrators may);
// alone it shows the setting and how alerts decide, to anyone; anything
// else gets the usage, and nothing changes.
func (b *Bot) alertsCmd(ctx context.Context, r request) error {
	if b.cfg.AlertsPerDay < 0 {
		return b.replyErr(ctx, r, text(r.lang, msgAlertsUnavailable))
	}
	return b.withSub(ctx, r, func(sub subscriptions.Subscriber) error {
		if strings.TrimSpace(r.args) == "" {
			return b.replyErr(ctx, r, b.alertsText(r.lang, sub))
		}
		on, ok := parseOnOff(r.args)
		if !ok {
			return b.replyErr(ctx, r, text(r.lang, msgAlertsBad, userText(r.args)))
		}
		if may, err := b.mayConfigure(ctx, r.chat, r.from, r.senderChat); err != nil || !may {
			b.reply(ctx, r, text(r.lang, pick(err != nil, msgAdminCheckFailed, msgAdminsOnly)))
			return err
		}
		sub, err := b.subs.Update(ctx, r.target, func(s *subscriptions.Subscriber) error {
			s.Alerts = on
			return nil
		})
		if err != nil {
			return err
		}
		msg := text(r.lang, msgAlertsSet, alertsWord(r.lang, sub.Alerts))
		if sub.Alerts {
			msg += "\n\n" + b.alertsText(r.lang, sub)
		}
		return b.replyErr(ctx, r, msg)
	})
}

// alertsText is the setting, how alerts decide and how to change it.
func (b *Bot) alertsText(lang string, sub subscriptions.Subscriber) string {
	perDay := cmp.Or(b.cfg.AlertsPerDay, DefaultAlertsPerDay)
	out := text(lang, msgAlertsState, alertsWord(lang, sub.Alerts), count(lang, perDay, nounAlert), userText(sub.TimeZone))
	if sub.Alerts && sub.Paused {
		out += text(lang, msgAlertsPausedNote)
	}
	return out
}

// alertsLine is the /settings summary's line about alerts (none when the
// operator turned alerts off).
func (b *Bot) alertsLine(lang string, sub subscriptions.Subscriber) string {
	if b.cfg.AlertsPerDay < 0 {
		return ""
	}
	return text(lang, msgAlertsLine, alertsWord(lang, sub.Alerts))
}

// alertsRow is /settings' alerts button: it names what it sets ("al=on",
// "al=off"), so a press delivered twice changes nothing the second time.
// None when the operator turned alerts off.
func (b *Bot) alertsRow(lang string, sub subscriptions.Subscriber) []tgbotapi.InlineKeyboardButton {
	if b.cfg.AlertsPerDay < 0 {
		return nil
	}
	label, arg := msgBtnAlertsOn, "al=on"
	if sub.Alerts {
		label, arg = msgBtnAlertsOff, "al=off"
	}
	return tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData(text(lang, label), cbData(cbSettings, arg, sub.ChatID)))
}

// alertsArg reads the alerts button's argument.
func alertsArg(arg string) (on, ok bool) {
	switch arg {
	case "al=on":
		return true, true
	case "al=off":
		return false, true
	}
	return false, false
}

func alertsWord(lang string, on bool) string {
	return text(lang, pick(on, msgAlertsOnWord, msgAlertsOffWord))
}

// parseOnOff reads "on"/"off" and their usual spellings in English and
// Arabic; ok is false for anything else.
func parseOnOff(s string) (on, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "on", "yes", "1", "true", "enable", "تشغيل", "شغل", "نعم", "تفعيل":
		return true, true
	case "off", "no", "0", "false", "disable", "إيقاف", "ايقاف", "أوقف", "اوقف", "لا", "تعطيل":
		return false, true
	}
	return false, false
}
