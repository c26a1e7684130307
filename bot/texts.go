package bot

import tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

// msgKey names one user-visible text; every text exists in Arabic and English.
type msgKey int

const (
	msgWelcome msgKey = iota
	msgHelp
	msgNotSubscribed
	msgNothingNew
	msgTryLater
	msgStopped
	msgUnknown
)

// catalogue returns the texts of one language. Texts are Telegram HTML and
// contain no user input; anything user-typed is escaped where it is inserted.
func catalogue(lang string) map[msgKey]string {
	if lang == "ar" {
		return map[msgKey]string{
			msgWelcome:       "أهلًا بك في <b>newsdigest</b>! اشتركتَ في موجز الأخبار اليومي.\nأرسل /digest لقراءة الموجز الآن، و/help لبقية الأوامر.",
			msgHelp:          "الأوامر:\n/digest – الموجز الآن\n/start – الاشتراك\n/stop – إلغاء الاشتراك وحذف بياناتك\n/help – هذه المساعدة",
			msgNotSubscribed: "لستَ مشتركًا بعد. أرسل /start للاشتراك.",
			msgNothingNew:    "لا جديد منذ موجزك الأخير.",
			msgTryLater:      "تعذّر إعداد الموجز الآن. حاول بعد قليل.",
			msgStopped:       "ألغيتَ اشتراكك وحُذفت بياناتك. أرسل /start للعودة.",
			msgUnknown:       "لا أعرف هذا الأمر. أرسل /help لقائمة الأوامر.",
		}
	}
	return map[msgKey]string{
		msgWelcome:       "Welcome to <b>newsdigest</b>! You are subscribed to the daily news digest.\nSend /digest to read it now, /help for the other commands.",
		msgHelp:          "Commands:\n/digest – the digest now\n/start – subscribe\n/stop – unsubscribe and delete your data\n/help – this help",
		msgNotSubscribed: "You are not subscribed yet. Send /start to subscribe.",
		msgNothingNew:    "Nothing new since your last digest.",
		msgTryLater:      "The digest could not be prepared right now. Please try again shortly.",
		msgStopped:       "You are unsubscribed and your data is deleted. Send /start to come back.",
		msgUnknown:       "I don't know that command. Send /help for the list.",
	}
}

func text(lang string, key msgKey) string { return catalogue(lang)[key] }

func commandMenu(lang string) []tgbotapi.BotCommand {
	if lang == "ar" {
		return []tgbotapi.BotCommand{
			{Command: "digest", Description: "الموجز الآن"},
			{Command: "help", Description: "المساعدة"},
			{Command: "stop", Description: "إلغاء الاشتراك"},
		}
	}
	return []tgbotapi.BotCommand{
		{Command: "digest", Description: "The digest now"},
		{Command: "help", Description: "Help"},
		{Command: "stop", Description: "Unsubscribe"},
	}
}
