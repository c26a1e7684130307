package bot

import (
	"fmt"
	"html"
	"strings"
	"sync"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// msgKey names one user-visible text; every text exists in Arabic and English.
type msgKey int

const (
	msgWelcome msgKey = iota
	msgHelp
	msgHelpAdmin
	msgNotSubscribed
	msgNothingNew
	msgTryLater
	msgStopConfirm
	msgStopped
	msgStopCancelled
	msgUnknown
	msgAdminsOnly
	msgAdminCheckFailed
	msgRateLimited
	msgChatRateLimited
	msgTopicsPrompt
	msgTopicsAll
	msgSaved
	msgSubscribeUsage
	msgUnsubscribeUsage
	msgUnknownTopic
	msgPrefsNow
	msgKeywordsNone
	msgKeywordTooLong
	msgKeywordsTooMany
	msgKeywordBad
	msgTimeUsage
	msgTimeBad
	msgTimesTooMany
	msgTimeSet
	msgZoneUsage
	msgZoneBad
	msgZoneSet
	msgLangUsage
	msgLangSet
	msgSettings
	msgPaused
	msgStoriesUsage
	msgStoriesSet
	msgResumed
	msgChannelUsage
	msgChannelPrivateOnly
	msgChannelNotFound
	msgChannelNotAdmin
	msgChannelBotNotAdmin
	msgChannelLinked
	msgChannelOff
	msgStats
	msgStatsOps
	msgOpsUnavailable
	msgPushProgress
	msgPushDone
	msgPushFailed
	msgPushUsage
	msgBroadcastUsage
	msgBroadcastConfirm
	msgBroadcastQueued
	msgBroadcastExpired
	msgBackupCaption
	msgBackupFailed
	msgCancelled
	msgNone
	msgAll
	msgYesDelete
	msgCancel
	msgBtnTopics
	msgBtnPause
	msgBtnResume
	msgBtnLang
	msgBtnStop
	msgBtnDone
	msgBtnSend
	msgOn
	msgOff
	msgStoryLangsLine
	msgLangsOwnDesc
	msgLangsBothDesc
	msgLangsAutoDesc
	msgBtnLangsOwn
	msgBtnLangsBoth
	msgBtnLangsAuto
	msgLearnedLine
	msgLearnedNone
	msgLearnedWords
	msgLearnedMore
	msgLearnedLess
	msgBtnForget
	msgForgotten
	msgFeedbackUp
	msgFeedbackDown
	msgFeedbackAlready
	msgFeedbackBad
	msgFeedbackTopicGone
	msgAddFeedUsage
	msgFeedUnknownTopic
	msgFeedBadURL
	msgFeedAdded
	msgFeedUpdated
	msgFeedFetchOK
	msgFeedNotModified
	msgFeedMoved
	msgFeedFetchFailed
	msgFeedRefused
	msgWhyPrivate
	msgWhyNotFeed
	msgWhyNotFeedAlt
	msgWhyHTTP
	msgWhyTooLarge
	msgWhyRedirects
	msgWhyScheme
	msgDelFeedUsage
	msgFeedNotFound
	msgFeedRemoved
	msgFeedsEmpty
	msgFeedsHeader
	msgFeedEntry
	msgFeedNoTitle
	msgFeedTopics
	msgFeedNever
	msgFeedOK
	msgFeedFailing
	msgFeedDisabled
	msgOPMLNotOPML
	msgOPMLTooLarge
	msgOPMLBad
	msgOPMLPrivate
	msgOPMLImported
	msgOPMLFailed
	msgExportCaption
	msgExportFailed
	msgDisabledFeeds
	msgBroadcastTooLong
	msgDidYouMean
	msgKeywordsAdded
	msgErrDNS
	msgErrRefused
	msgErrTimeout
	msgErrTLS
	msgErrDropped
	msgErrUnreachable
	msgErrStorage
	msgErrTelegram
	msgErrShutdown
	msgErrUnexpected
	msgSearchUsage
	msgSearchUnavailable
	msgSearchNone
	msgSearchFound
	msgSearchShowing
	msgSearchRange
	msgSearchEnd
	msgSearchExpired
	msgSearchNoMore
	msgDigestMoreExpired
	msgDigestNoMore
	msgDigestEnd
	msgAlertsState
	msgAlertsSet
	msgAlertsBad
	msgAlertsPausedNote
	msgAlertsLine
	msgAlertsOnWord
	msgAlertsOffWord
	msgAlertsUnavailable
	msgBtnAlertsOn
	msgBtnAlertsOff
	msgCount // not a text: the number of keys
)

// catalogue returns the texts of one language. Texts are Telegram HTML; the
// %s verbs receive values already escaped and isolated by the caller (see
// userText), never raw user input. Each language's map is built on first
// use and shared, read-only, afterwards: text runs for every reply, and
// rebuilding ~80 entries each time was its main cost.
func catalogue(lang string) map[msgKey]string {
	if lang == "ar" {
		return catalogueAR()
	}
	return catalogueEN()
}

var catalogueEN = sync.OnceValue(func() map[msgKey]string {
	return map[msgKey]string{
		msgWelcome:       "Welcome to <b>newsdigest</b>! You are subscribed to a daily news digest, sent at %s (%s).\nChoose your topics below, or send /help for all commands.",
		msgHelp:          "<b>Commands</b>\n/topics – choose topics\n/subscribe <i>topic|word|-word</i> – add a topic or keyword (-word excludes)\n/unsubscribe <i>topic|word|-word</i> – remove one\n/keywords – your keywords (/keywords clear)\n/time <i>HH:MM</i> [<i>HH:MM</i>…] – delivery times\n/timezone <i>Area/City</i> or <i>±HH:MM</i>\n/lang <i>ar|en</i> – language\n/settings – your settings\n/stories <i>N</i> – stories per digest\n/digest – new stories now\n/search <i>words</i> – stories of the last 14 days\n/alerts <i>on|off</i> – breaking-news alerts\n/pause, /resume – stop or restart daily digests\n/channel <i>@name</i> – set up a channel you administer\n/stop – unsubscribe and delete this chat's data",
		msgHelpAdmin:     "\n\n<b>Bot admin</b>\n/stats – subscribers and delivery\n/pushnow [<i>chat</i>] – send digests now\n/broadcast <i>text</i> – message every subscriber\n/backup – a copy of the database\n/feeds – feeds and their state\n/addfeed <i>URL</i> [<i>topic</i>…] – add a feed\n/delfeed <i>URL|N</i> – remove a feed\n/exportfeeds – the feed list as OPML (send an .opml file to import)",
		msgNotSubscribed: "This chat is not subscribed yet. Send /start to subscribe.",
		msgNothingNew:    "Nothing new since your last digest.",
		msgTryLater:      "That did not work right now. Please try again shortly.",
		msgStopConfirm:   "Daily digests are stopped. Also delete all of this chat's settings? This cannot be undone.",
		msgStopped:       "You are unsubscribed and this chat's data is deleted. Send /start to come back.",
		msgStopCancelled: "Nothing was deleted; your settings are kept as they were.",
		msgUnknown:       "I don't know that command. Send /help for the list.",
		msgAdminsOnly:    "Sorry, only this chat's administrators can change its settings.",
		msgAdminCheckFailed: "I could not check whether you are an administrator here. Please try again shortly " +
			"(I need to be a member of this chat).",
		msgRateLimited:        "You are sending commands faster than I can answer. Please wait a few seconds; I'll ignore the extra ones meanwhile.",
		msgChatRateLimited:    "This chat is sending commands faster than Telegram lets me answer in a group (about 20 messages a minute). I'll ignore the extra ones for a minute or so.",
		msgTopicsPrompt:       "Tap topics to choose them (✅ = chosen). With none chosen you get every topic.",
		msgTopicsAll:          "All topics",
		msgSaved:              "Saved ✅",
		msgSubscribeUsage:     "Usage: /subscribe <i>topic</i>, <i>keyword</i> or <i>-keyword</i> (to exclude stories with it). Several at once are fine; put a phrase in quotes.\nTopics: %s",
		msgUnsubscribeUsage:   "Usage: /unsubscribe <i>topic</i>, <i>keyword</i> or <i>-keyword</i>.",
		msgUnknownTopic:       "%s is not a topic or a usable keyword.",
		msgPrefsNow:           "Topics: %s\nKeywords: %s\nExcluded: %s",
		msgKeywordsNone:       "none",
		msgKeywordTooLong:     "The keyword %s is too long: at most %s.",
		msgKeywordsTooMany:    "At most %s (included and excluded together).",
		msgKeywordBad:         "%s cannot be used as a keyword.",
		msgTimeUsage:          "Usage: /time <i>HH:MM</i> [<i>HH:MM</i> …], e.g. /time 07:30 19:00 (up to %s a day).\nNow: %s (%s)",
		msgTimeBad:            "%s is not a time. Use HH:MM with a 24-hour clock, e.g. 07:30.",
		msgTimesTooMany:       "At most %s a day.",
		msgTimeSet:            "Digests will arrive at %s (%s).",
		msgZoneUsage:          "Usage: /timezone <i>Area/City</i> (e.g. Asia/Baghdad, Europe/Berlin), a city such as Cairo, or an offset such as +03:00.\nNow: %s",
		msgZoneBad:            "%s is not a time zone I know. Try Area/City, e.g. Asia/Baghdad, or an offset such as +03:00.",
		msgZoneSet:            "Time zone set to %s; it is %s there now.",
		msgLangUsage:          "Usage: /lang ar or /lang en",
		msgLangSet:            "From now on I will write in English.",
		msgSettings:           "<b>Settings</b>%s\nLanguage: English\nTopics: %s\nKeywords: %s\nExcluded: %s\nTimes: %s\nTime zone: %s\nStories per digest: %d\nDaily digests: %s",
		msgStoriesUsage:       "Usage: /stories <i>N</i>, from 1 to %d: the most stories a digest holds.",
		msgStoriesSet:         "Digests will hold at most %s.",
		msgPaused:             "Daily digests are paused. Send /resume to restart them; /digest still works.",
		msgResumed:            "Daily digests are on again, at %s (%s).",
		msgChannelUsage:       "Usage: /channel <i>@channelname</i> (or the channel's numeric ID). Add me to the channel as an administrator first. /channel alone goes back to this chat's settings.",
		msgChannelPrivateOnly: "Please set up channels from a private chat with me.",
		msgChannelNotFound:    "I cannot find the channel %s. Check the name and that I am a member.",
		msgChannelNotAdmin:    "Only an administrator of %s can set it up.",
		msgChannelBotNotAdmin: "Please make me an administrator of %s (with the right to post) and try again.",
		msgChannelLinked:      "Channel %s is set up and will get its own digests.\nThe commands you send here now change <b>the channel's</b> settings; send /channel to go back to yours.",
		msgChannelOff:         "Your commands here change this chat's settings again.",
		msgStats:              "<b>Subscribers</b>: %d (active %d, paused %d, blocked %d)\nBy language: %s\nBy topic: %s\nBy chat type: %s",
		msgStatsOps:           "\n<b>Delivery</b>\nArticles today: %d\nLast push: %s\nPending: %d, failed: %d",
		msgOpsUnavailable:     "Not available in this deployment.",
		msgPushProgress:       "Pushing digests… %d of %d",
		msgPushDone:           "Push finished: %d of %d.",
		msgPushFailed:         "Push stopped after %d of %d: %s",
		msgBroadcastUsage:     "Usage: /broadcast <i>text</i>",
		msgBroadcastConfirm:   "Send this to every active subscriber?\n\n%s",
		msgBroadcastQueued:    "Broadcast queued for %s.",
		msgBroadcastExpired:   "This confirmation has expired. Send /broadcast again.",
		msgBackupCaption:      "Database backup, %s",
		msgBackupFailed:       "The backup failed: %s",
		msgCancelled:          "Cancelled.",
		msgSearchUsage:        "Usage: /search <i>words</i> or <i>\"a phrase\"</i>: the stories of the last 14 days that hold them all.",
		msgSearchUnavailable:  "Search is not available on this bot.",
		msgSearchNone:         "Nothing found for %s in the last 14 days.",
		msgSearchFound:        "🔎 %s from the last 14 days:",
		msgSearchShowing:      "🔎 %s from the last 14 days; the newest %d:",
		msgSearchRange:        "🔎 %d–%d of %s:",
		msgSearchEnd:          "That is all.",
		msgSearchExpired:      "This search has expired; send /search again.",
		msgSearchNoMore:       "No more results.",
		msgDigestMoreExpired:  "This digest's More has expired (after 24 hours); send /digest for what is new.",
		msgDigestNoMore:       "Nothing more in this digest.",
		msgDigestEnd:          "That is all of this digest.",
		msgAlertsState:        "🚨 Breaking-news alerts are <b>%s</b> for this chat.\nWith alerts on, a story at least 3 outlets carry within an hour that matches your topics and keywords comes at once, outside your digest times: at most %s a day, never between 22:00 and 07:00 your time (%s; an alert due then is skipped, and the story waits for your next digest). A story sent as an alert is left out of your next digest.\n/alerts on or /alerts off changes it.",
		msgAlertsSet:          "🚨 Breaking-news alerts are now <b>%s</b>.",
		msgAlertsBad:          "%s is not something /alerts understands. Send /alerts on, /alerts off, or /alerts alone to see the setting.",
		msgAlertsPausedNote:   "\nDaily digests are paused, and so are alerts: /resume restarts both.",
		msgAlertsLine:         "\nBreaking-news alerts: %s (/alerts)",
		msgAlertsOnWord:       "on",
		msgAlertsOffWord:      "off",
		msgAlertsUnavailable:  "Breaking-news alerts are not available on this bot.",
		msgBtnAlertsOn:        "🚨 Turn alerts on",
		msgBtnAlertsOff:       "🔕 Turn alerts off",
		msgNone:               "none",
		msgAll:                "all",
		msgYesDelete:          "Yes, delete",
		msgCancel:             "Cancel",
		msgBtnTopics:          "Topics",
		msgBtnPause:           "Pause",
		msgBtnResume:          "Resume",
		msgBtnLang:            "العربية",
		msgBtnStop:            "Unsubscribe",
		msgBtnDone:            "Done",
		msgBtnSend:            "Send",
		msgOn:                 "on",
		msgOff:                "paused",
		msgStoryLangsLine:     "\nStories: %s",
		msgLangsOwnDesc:       "in the interface language only",
		msgLangsBothDesc:      "in Arabic and English",
		msgLangsAutoDesc:      "in the interface language, plus stories in the other language that several outlets carry (labelled)",
		msgBtnLangsOwn:        "My language only",
		msgBtnLangsBoth:       "Arabic + English",
		msgBtnLangsAuto:       "Auto",
		msgLearnedLine:        "\nLearned from your 👍/👎: %s",
		msgLearnedNone:        "\nLearned from your 👍/👎: nothing yet (the buttons under a digest)",
		msgLearnedWords:       "a few headline words",
		msgLearnedMore:        "more %s",
		msgLearnedLess:        "less %s",
		msgBtnForget:          "Reset what was learned",
		msgForgotten:          "Reset: digests are ranked as before your 👍/👎.",
		msgFeedbackUp:         "👍 Noted: more %s in your next digests",
		msgFeedbackDown:       "👎 Noted: less %s in your next digests",
		msgFeedbackAlready:    "Already noted.",
		msgFeedbackBad:        "This button does not work (any more). /settings shows what was learned.",
		msgFeedbackTopicGone:  "That topic no longer exists; nothing was changed.",
		msgAddFeedUsage:       "Usage: /addfeed <i>URL</i> [<i>topic</i> …]\nTopics: %s",
		msgFeedUnknownTopic:   "%s is not a topic. Topics: %s",
		msgFeedBadURL:         "%s is not a feed address I can use: give a full http:// or https:// address.",
		msgFeedAdded:          "Added %s. Fetching it now…",
		msgFeedUpdated:        "%s was already in the list: its topics are updated and it is enabled. Fetching it now…",
		msgFeedFetchOK:        "✅ %s works: %s; %s in the feed, new: %s.",
		msgFeedNotModified:    "✅ %s works: unchanged since its last fetch.",
		msgFeedMoved:          "\nIt has moved for good; it is now kept as %s.",
		msgFeedFetchFailed:    "⚠️ %s is in the list, but fetching it failed: %s\nI will retry with growing pauses; /delfeed %s removes it.",
		msgFeedRefused:        "❌ %s was not added: %s",
		msgWhyPrivate:         "its host is a loopback, private or link-local address, which I refuse (an operator can allow them with NEWSDIGEST_ALLOW_PRIVATE_FEEDS=1).",
		msgWhyNotFeed:         "it is not an RSS, Atom or JSON feed.",
		msgWhyNotFeedAlt:      "it is a web page, not a feed. The page names these feeds: %s",
		msgWhyHTTP:            "the server answered HTTP %d %s.",
		msgWhyTooLarge:        "it is larger than the size limit.",
		msgWhyRedirects:       "it redirects too many times.",
		msgWhyScheme:          "only http and https addresses are allowed.",
		msgDelFeedUsage:       "Usage: /delfeed <i>URL</i> or /delfeed <i>N</i> (the number shown by /feeds).",
		msgFeedNotFound:       "There is no feed %s. /feeds lists them with their numbers.",
		msgFeedRemoved:        "Removed %s. Its articles stay until they age out.",
		msgFeedsEmpty:         "No feeds yet. Add one with /addfeed <i>URL</i> [<i>topic</i> …], or send me an OPML file.",
		msgFeedsHeader:        "<b>Feeds</b> (%d)",
		msgFeedEntry:          "%d. <b>%s</b>\n%s",
		msgFeedNoTitle:        "(no title yet)",
		msgFeedTopics:         "Topics: %s",
		msgFeedNever:          "⏳ not fetched yet",
		msgFeedOK:             "✅ fetched %s: %s in the feed, %s stored",
		msgFeedFailing:        "⚠️ %s in a row since %s; next try %s\nLast error: %s",
		msgFeedDisabled:       "⛔ disabled on %s, failing since %s\nLast error: %s\n/addfeed with its address enables it again.",
		msgOPMLNotOPML:        "To import feeds, send the list as an <i>.opml</i> or <i>.xml</i> file.",
		msgOPMLTooLarge:       "That file is too large: I import OPML files of up to %s.",
		msgOPMLBad:            "I could not read that file as OPML: %s",
		msgOPMLPrivate:        "Nothing imported: %s on a loopback, private or link-local address, which I refuse. Remove them from the file, or an operator can allow them with NEWSDIGEST_ALLOW_PRIVATE_FEEDS=1.",
		msgOPMLImported:       "Imported %s: %d added, %d updated, %d invalid.",
		msgOPMLFailed:         "I could not download that file: %s",
		msgExportCaption:      "Feed list: %s (OPML). Send this file back to me to import it.",
		msgExportFailed:       "The export failed: %s",
		msgPushUsage:          "Usage: /pushnow [<i>chat ID</i>]: without an ID every active subscriber gets the digest now; with one (a number such as 12345 or -100123), only that chat.",
		msgBroadcastTooLong:   "That broadcast is %s long (with < > & counting 4–5 each); one Telegram message holds at most %s. Please shorten it.",
		msgDidYouMean:         "%s is not a topic. Did you mean %s? Nothing was changed. To follow the word itself as a keyword, put it in quotes: /subscribe \"%s\"",
		msgKeywordsAdded:      "Keywords added: %s. With keywords, a digest holds only stories that mention one of them.",
		msgErrDNS:             "the server's name could not be found.",
		msgErrRefused:         "the server refused the connection.",
		msgErrTimeout:         "the server did not answer in time.",
		msgErrTLS:             "the server's secure connection (its certificate) could not be verified.",
		msgErrDropped:         "the connection was cut off.",
		msgErrUnreachable:     "the server could not be reached.",
		msgErrStorage:         "the database could not be written (is the disk full?).",
		msgErrTelegram:        "Telegram refused the request.",
		msgErrShutdown:        "the service was shutting down.",
		msgErrUnexpected:      "an unexpected error (the details are in the service log).",
		msgDisabledFeeds:      "⛔ <b>Feeds disabled</b> after failing for %s. /addfeed with the address enables one again, /delfeed removes it.",
	}
})

var catalogueAR = sync.OnceValue(func() map[msgKey]string {
	return map[msgKey]string{
		msgWelcome:       "أهلًا بك في <b>newsdigest</b>! اشتركتَ في موجز أخبار يومي يصلك في %s (%s).\nاختر مواضيعك من الأزرار أدناه، أو أرسل /help لقائمة الأوامر.",
		msgHelp:          "<b>الأوامر</b>\n/topics – اختيار المواضيع\n/subscribe <i>موضوع|كلمة|-كلمة</i> – إضافة موضوع أو كلمة مفتاحية (-كلمة للاستبعاد)\n/unsubscribe <i>موضوع|كلمة|-كلمة</i> – إزالة أحدها\n/keywords – كلماتك المفتاحية (/keywords clear للمسح)\n/time <i>HH:MM</i> [<i>HH:MM</i>…] – مواعيد الموجز\n/timezone <i>Area/City</i> أو <i>±HH:MM</i> – المنطقة الزمنية\n/lang <i>ar|en</i> – اللغة\n/settings – إعداداتك\n/stories <i>N</i> – عدد الأخبار في الموجز\n/digest – الجديد الآن\n/search <i>كلمات</i> – البحث في أخبار آخر 14 يومًا\n/alerts <i>on|off</i> – تنبيهات الأخبار العاجلة\n/pause و/resume – إيقاف الموجز اليومي أو استئنافه\n/channel <i>@name</i> – إعداد قناة تديرها\n/stop – إلغاء الاشتراك وحذف بيانات هذه المحادثة",
		msgHelpAdmin:     "\n\n<b>إدارة البوت</b>\n/stats – المشتركون والإرسال\n/pushnow [<i>chat</i>] – إرسال الموجز الآن\n/broadcast <i>نص</i> – رسالة إلى كل المشتركين\n/backup – نسخة من قاعدة البيانات\n/feeds – المصادر وحالتها\n/addfeed <i>URL</i> [<i>موضوع</i>…] – إضافة مصدر\n/delfeed <i>URL|N</i> – حذف مصدر\n/exportfeeds – قائمة المصادر بصيغة OPML (أرسل ملف .opml لاستيرادها)",
		msgNotSubscribed: "هذه المحادثة غير مشتركة بعد. أرسل /start للاشتراك.",
		msgNothingNew:    "لا جديد منذ موجزك الأخير.",
		msgTryLater:      "تعذّر ذلك الآن. حاول بعد قليل.",
		msgStopConfirm:   "أوقفتُ الموجز اليومي. هل تريد أيضًا حذف كل إعدادات هذه المحادثة؟ لا يمكن التراجع عن ذلك.",
		msgStopped:       "ألغيتَ اشتراكك وحُذفت بيانات هذه المحادثة. أرسل /start للعودة.",
		msgStopCancelled: "لم يُحذف شيء، وبقيت إعداداتك كما كانت.",
		msgUnknown:       "لا أعرف هذا الأمر. أرسل /help لقائمة الأوامر.",
		msgAdminsOnly:    "عذرًا، لا يغيّر إعدادات هذه المحادثة إلا مشرفوها.",
		msgAdminCheckFailed: "تعذّر التحقق من أنك مشرف هنا. حاول بعد قليل " +
			"(يجب أن أكون عضوًا في هذه المحادثة).",
		msgRateLimited:        "ترسل الأوامر أسرع مما أستطيع الرد. انتظر بضع ثوانٍ؛ سأتجاهل الأوامر الزائدة حتى ذلك الحين.",
		msgChatRateLimited:    "تُرسَل الأوامر في هذه المحادثة أسرع مما يسمح لي تيليغرام بالرد في المجموعات (نحو 20 رسالة في الدقيقة). سأتجاهل الأوامر الزائدة لدقيقة تقريبًا.",
		msgTopicsPrompt:       "اضغط على المواضيع لاختيارها (✅ = مختار). إن لم تختر شيئًا تصلك كل المواضيع.",
		msgTopicsAll:          "كل المواضيع",
		msgSaved:              "حُفظ ✅",
		msgSubscribeUsage:     "الاستخدام: /subscribe <i>موضوع</i> أو <i>كلمة</i> أو <i>-كلمة</i> (لاستبعاد الأخبار التي تحتويها). يمكن إرسال عدة كلمات معًا، وضع العبارة بين علامتي تنصيص.\nالمواضيع: %s",
		msgUnsubscribeUsage:   "الاستخدام: /unsubscribe <i>موضوع</i> أو <i>كلمة</i> أو <i>-كلمة</i>.",
		msgUnknownTopic:       "%s ليس موضوعًا ولا كلمة مفتاحية صالحة.",
		msgPrefsNow:           "المواضيع: %s\nالكلمات المفتاحية: %s\nالمستبعدة: %s",
		msgKeywordsNone:       "لا شيء",
		msgKeywordTooLong:     "الكلمة %s طويلة: الحد الأقصى %s.",
		msgKeywordsTooMany:    "الحد الأقصى %s (المضافة والمستبعدة معًا).",
		msgKeywordBad:         "لا يمكن استخدام %s كلمةً مفتاحية.",
		msgTimeUsage:          "الاستخدام: /time <i>HH:MM</i> [<i>HH:MM</i> …]، مثل /time 07:30 19:00 (الحد الأقصى %s في اليوم).\nالآن: %s (%s)",
		msgTimeBad:            "%s ليس وقتًا صالحًا. استخدم HH:MM بنظام 24 ساعة، مثل 07:30.",
		msgTimesTooMany:       "الحد الأقصى %s في اليوم.",
		msgTimeSet:            "سيصلك الموجز في %s (%s).",
		msgZoneUsage:          "الاستخدام: /timezone <i>Area/City</i> (مثل Asia/Baghdad أو Africa/Cairo)، أو اسم مدينتك مثل بغداد، أو فارق توقيت مثل +03:00.\nالآن: %s",
		msgZoneBad:            "%s ليست منطقة زمنية أعرفها. جرّب Area/City مثل Asia/Baghdad، أو فارقًا مثل +03:00.",
		msgZoneSet:            "ضُبطت المنطقة الزمنية على %s؛ الساعة هناك الآن %s.",
		msgLangUsage:          "الاستخدام: /lang ar أو /lang en",
		msgLangSet:            "سأكتب لك بالعربية من الآن.",
		msgSettings:           "<b>الإعدادات</b>%s\nاللغة: العربية\nالمواضيع: %s\nالكلمات المفتاحية: %s\nالمستبعدة: %s\nالمواعيد: %s\nالمنطقة الزمنية: %s\nعدد الأخبار في الموجز: %d\nالموجز اليومي: %s",
		msgStoriesUsage:       "الاستخدام: /stories <i>N</i>، من 1 إلى %d: أكبر عدد من الأخبار في الموجز.",
		msgStoriesSet:         "الحد الأقصى للموجز الآن %s.",
		msgPaused:             "أوقفتَ الموجز اليومي. أرسل /resume لاستئنافه؛ ويبقى /digest متاحًا.",
		msgResumed:            "عاد الموجز اليومي، في %s (%s).",
		msgChannelUsage:       "الاستخدام: /channel <i>@channelname</i> (أو رقم القناة). أضفني أولًا مشرفًا في القناة. أرسل /channel وحده للعودة إلى إعدادات هذه المحادثة.",
		msgChannelPrivateOnly: "أعدّ القنوات من محادثة خاصة معي من فضلك.",
		msgChannelNotFound:    "لا أجد القناة %s. تحقق من الاسم ومن أنني عضو فيها.",
		msgChannelNotAdmin:    "لا يعدّ %s إلا أحد مشرفيها.",
		msgChannelBotNotAdmin: "اجعلني مشرفًا في %s (مع صلاحية النشر) ثم حاول مجددًا.",
		msgChannelLinked:      "أُعدّت القناة %s وسيصلها موجزها الخاص.\nالأوامر التي ترسلها هنا تغيّر الآن إعدادات <b>القناة</b>؛ أرسل /channel للعودة إلى إعداداتك.",
		msgChannelOff:         "أوامرك هنا تغيّر إعدادات هذه المحادثة من جديد.",
		msgStats:              "<b>المشتركون</b>: %d (نشط %d، متوقف %d، محظور %d)\nحسب اللغة: %s\nحسب الموضوع: %s\nحسب نوع المحادثة: %s",
		msgStatsOps:           "\n<b>الإرسال</b>\nمقالات اليوم: %d\nآخر إرسال: %s\nقيد الانتظار: %d، فشل: %d",
		msgOpsUnavailable:     "غير متاح في هذا التشغيل.",
		msgPushProgress:       "جارٍ إرسال الموجز… %d من %d",
		msgPushDone:           "انتهى الإرسال: %d من %d.",
		msgPushFailed:         "توقف الإرسال بعد %d من %d: %s",
		msgBroadcastUsage:     "الاستخدام: /broadcast <i>نص</i>",
		msgBroadcastConfirm:   "هل أرسل هذه الرسالة إلى كل المشتركين النشطين؟\n\n%s",
		msgBroadcastQueued:    "وُضعت الرسالة في طابور الإرسال، والمحادثات المستهدفة: %s.",
		msgBroadcastExpired:   "انتهت صلاحية هذا التأكيد. أرسل /broadcast من جديد.",
		msgBackupCaption:      "نسخة احتياطية من قاعدة البيانات، %s",
		msgBackupFailed:       "فشل النسخ الاحتياطي: %s",
		msgCancelled:          "أُلغي.",
		msgSearchUsage:        "الاستخدام: /search <i>كلمات</i> أو <i>«عبارة»</i>: أخبار آخر 14 يومًا التي تحويها كلها.",
		msgSearchUnavailable:  "البحث غير متاح في هذا البوت.",
		msgSearchNone:         "لا أخبار عن %s في آخر 14 يومًا.",
		msgSearchFound:        "🔎 النتائج: %s من آخر 14 يومًا:",
		msgSearchShowing:      "🔎 النتائج: %s من آخر 14 يومًا، وهذه أحدث %d منها:",
		msgSearchRange:        "🔎 النتائج %d–%d من أصل %s:",
		msgSearchEnd:          "هذه كل النتائج.",
		msgSearchExpired:      "انتهت صلاحية هذا البحث؛ أرسل /search من جديد.",
		msgSearchNoMore:       "لا مزيد من النتائج.",
		msgDigestMoreExpired:  "انتهت صلاحية زر «المزيد» لهذا الموجز (بعد 24 ساعة)؛ أرسل /digest لما استجد.",
		msgDigestNoMore:       "لا مزيد في هذا الموجز.",
		msgDigestEnd:          "هذا كل ما في الموجز.",
		msgAlertsState:        "🚨 تنبيهات الأخبار العاجلة <b>%s</b> في هذه المحادثة.\nعند تشغيلها يصلك فورًا، خارج مواعيد موجزك، كل خبر تنقله 3 وسائل إعلام على الأقل خلال ساعة ويوافق مواضيعك وكلماتك المفتاحية: الحد الأقصى %s في اليوم، ولا شيء بين 22:00 و07:00 بتوقيتك (%s؛ التنبيه الذي يحين حينها يُترك، ويبقى الخبر لموجزك التالي). والخبر الذي وصلك تنبيهًا لا يتكرر في موجزك التالي.\nأرسل /alerts on أو /alerts off للتغيير.",
		msgAlertsSet:          "🚨 تنبيهات الأخبار العاجلة الآن <b>%s</b>.",
		msgAlertsBad:          "%s ليس خيارًا لـ /alerts. أرسل /alerts on للتشغيل، أو /alerts off للإيقاف، أو /alerts وحده لمعرفة الإعداد.",
		msgAlertsPausedNote:   "\nالموجز اليومي متوقف، ومعه التنبيهات: أرسل /resume لاستئنافهما.",
		msgAlertsLine:         "\nتنبيهات الأخبار العاجلة: %s (/alerts)",
		msgAlertsOnWord:       "تعمل",
		msgAlertsOffWord:      "متوقفة",
		msgAlertsUnavailable:  "تنبيهات الأخبار العاجلة غير متاحة في هذا البوت.",
		msgBtnAlertsOn:        "🚨 تشغيل التنبيهات",
		msgBtnAlertsOff:       "🔕 إيقاف التنبيهات",
		msgNone:               "لا شيء",
		msgAll:                "الكل",
		msgYesDelete:          "نعم، احذف",
		msgCancel:             "إلغاء",
		msgBtnTopics:          "المواضيع",
		msgBtnPause:           "إيقاف مؤقت",
		msgBtnResume:          "استئناف",
		msgBtnLang:            "English",
		msgBtnStop:            "إلغاء الاشتراك",
		msgBtnDone:            "تم",
		msgBtnSend:            "أرسل",
		msgOn:                 "يعمل",
		msgOff:                "متوقف",
		msgStoryLangsLine:     "\nالأخبار: %s",
		msgLangsOwnDesc:       "بلغة الواجهة فقط",
		msgLangsBothDesc:      "بالعربية والإنجليزية",
		msgLangsAutoDesc:      "بلغة الواجهة، وبالأخرى ما تنقله عدة وسائل إعلام (مع وسم)",
		msgBtnLangsOwn:        "لغتي فقط",
		msgBtnLangsBoth:       "العربية والإنجليزية",
		msgBtnLangsAuto:       "تلقائي",
		msgLearnedLine:        "\nما تعلّمته من 👍/👎: %s",
		msgLearnedNone:        "\nما تعلّمته من 👍/👎: لا شيء بعد (الأزرار أسفل الموجز)",
		msgLearnedWords:       "بعض كلمات العناوين",
		msgLearnedMore:        "المزيد من %s",
		msgLearnedLess:        "أقل من %s",
		msgBtnForget:          "مسح ما تعلّمته",
		msgForgotten:          "تم المسح: يُرتَّب الموجز كما كان قبل تقييماتك 👍/👎.",
		msgFeedbackUp:         "👍 سُجّل: المزيد من %s في الموجزات القادمة",
		msgFeedbackDown:       "👎 سُجّل: أقل من %s في الموجزات القادمة",
		msgFeedbackAlready:    "سُجّل من قبل.",
		msgFeedbackBad:        "هذا الزر لا يعمل (لم يعد صالحًا). يعرض /settings ما تعلّمته.",
		msgFeedbackTopicGone:  "هذا الموضوع لم يعد موجودًا؛ لم يتغير شيء.",
		msgAddFeedUsage:       "الاستخدام: /addfeed <i>URL</i> [<i>موضوع</i> …]\nالمواضيع: %s",
		msgFeedUnknownTopic:   "%s ليس موضوعًا. المواضيع: %s",
		msgFeedBadURL:         "%s ليس عنوان مصدر أستطيع استخدامه: أرسل عنوانًا كاملًا يبدأ بـ http:// أو https://.",
		msgFeedAdded:          "أُضيف %s. أجلبه الآن…",
		msgFeedUpdated:        "%s موجود في القائمة: حُدّثت مواضيعه وفُعّل. أجلبه الآن…",
		msgFeedFetchOK:        "✅ %s يعمل: %s؛ فيه %s، والجديد منها %s.",
		msgFeedNotModified:    "✅ %s يعمل: لم يتغير منذ آخر جلب.",
		msgFeedMoved:          "\nانتقل نهائيًا، ويُحفظ الآن باسم %s.",
		msgFeedFetchFailed:    "⚠️ %s في القائمة، لكن جلبه فشل: %s\nسأعيد المحاولة بفواصل متزايدة؛ /delfeed %s يحذفه.",
		msgFeedRefused:        "❌ لم يُضف %s: %s",
		msgWhyPrivate:         "عنوانه يشير إلى عنوان محلي أو خاص أو link-local، وأنا أرفض ذلك (يمكن للمشغّل السماح به بـ NEWSDIGEST_ALLOW_PRIVATE_FEEDS=1).",
		msgWhyNotFeed:         "ليس مصدر RSS أو Atom أو JSON.",
		msgWhyNotFeedAlt:      "هذه صفحة ويب وليست مصدرًا. تذكر الصفحة هذه المصادر: %s",
		msgWhyHTTP:            "أجاب الخادم بالرمز HTTP %d %s.",
		msgWhyTooLarge:        "حجمه أكبر من الحد المسموح.",
		msgWhyRedirects:       "يعيد التوجيه مرات كثيرة.",
		msgWhyScheme:          "لا أقبل إلا عناوين http وhttps.",
		msgDelFeedUsage:       "الاستخدام: /delfeed <i>URL</i> أو /delfeed <i>N</i> (الرقم الظاهر في /feeds).",
		msgFeedNotFound:       "لا يوجد مصدر %s. يعرض /feeds المصادر بأرقامها.",
		msgFeedRemoved:        "حُذف %s. تبقى مقالاته حتى تنتهي مدة حفظها.",
		msgFeedsEmpty:         "لا مصادر بعد. أضف مصدرًا بـ /addfeed <i>URL</i> [<i>موضوع</i> …]، أو أرسل لي ملف OPML.",
		msgFeedsHeader:        "<b>المصادر</b> (%d)",
		msgFeedEntry:          "%d. <b>%s</b>\n%s",
		msgFeedNoTitle:        "(بلا عنوان بعد)",
		msgFeedTopics:         "المواضيع: %s",
		msgFeedNever:          "⏳ لم يُجلب بعد",
		msgFeedOK:             "✅ جُلب في %s: في المصدر %s، والمحفوظ %s",
		msgFeedFailing:        "⚠️ %s على التوالي منذ %s؛ المحاولة التالية %s\nآخر خطأ: %s",
		msgFeedDisabled:       "⛔ معطّل منذ %s، يفشل منذ %s\nآخر خطأ: %s\n/addfeed مع عنوانه يعيد تفعيله.",
		msgOPMLNotOPML:        "لاستيراد المصادر أرسل القائمة في ملف <i>.opml</i> أو <i>.xml</i>.",
		msgOPMLTooLarge:       "الملف كبير جدًا: أستورد ملفات OPML حتى %s.",
		msgOPMLBad:            "تعذّرت قراءة الملف بصيغة OPML: %s",
		msgOPMLPrivate:        "لم يُستورد شيء: %s على عنوان محلي أو خاص أو link-local، وأنا أرفض ذلك. احذفها من الملف، أو يمكن للمشغّل السماح بها بـ NEWSDIGEST_ALLOW_PRIVATE_FEEDS=1.",
		msgOPMLImported:       "استُورد %s: أُضيف %d، حُدّث %d، غير صالح %d.",
		msgOPMLFailed:         "تعذّر تنزيل الملف: %s",
		msgExportCaption:      "قائمة المصادر: %s (OPML). أرسل هذا الملف إليّ لاستيراده.",
		msgExportFailed:       "فشل التصدير: %s",
		msgPushUsage:          "الاستخدام: /pushnow [<i>رقم المحادثة</i>]: بلا رقم يُرسَل الموجز الآن إلى كل المشتركين النشطين، ومع رقم (مثل 12345 أو -100123) إلى تلك المحادثة وحدها.",
		msgBroadcastTooLong:   "طول هذه الرسالة %s (يُحسب كل من < و> و& بـ4–5 أحرف)، والحد الأقصى لرسالة واحدة في تيليغرام %s. اختصرها من فضلك.",
		msgDidYouMean:         "%s ليس موضوعًا. هل تقصد %s؟ لم يتغير شيء. لمتابعة الكلمة نفسها كلمةً مفتاحية ضعها بين علامتي تنصيص: /subscribe \"%s\"",
		msgKeywordsAdded:      "أُضيفت الكلمات المفتاحية: %s. مع الكلمات المفتاحية لا يحمل الموجز إلا الأخبار التي تذكر إحداها.",
		msgErrDNS:             "تعذّر العثور على اسم الخادم.",
		msgErrRefused:         "رفض الخادم الاتصال.",
		msgErrTimeout:         "لم يُجب الخادم في الوقت المحدد.",
		msgErrTLS:             "تعذّر التحقق من الاتصال الآمن بالخادم (شهادته).",
		msgErrDropped:         "انقطع الاتصال.",
		msgErrUnreachable:     "تعذّر الوصول إلى الخادم.",
		msgErrStorage:         "تعذّرت الكتابة في قاعدة البيانات (هل امتلأ القرص؟).",
		msgErrTelegram:        "رفض تيليغرام الطلب.",
		msgErrShutdown:        "كانت الخدمة تتوقف.",
		msgErrUnexpected:      "خطأ غير متوقع (التفاصيل في سجل الخدمة).",
		msgDisabledFeeds:      "⛔ <b>مصادر معطّلة</b> (مدة الفشل: %s). /addfeed مع العنوان يعيد تفعيل المصدر، و/delfeed يحذفه.",
	}
})

// text returns a catalogue entry; with args it is formatted. Every arg that
// came from a user must go through userText first.
func text(lang string, key msgKey, args ...any) string {
	s := catalogue(lang)[key]
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// userText makes anything a user typed (or any value that may hold Latin
// letters, digits or markup) safe to put in a Telegram-HTML message: escaped,
// and wrapped in Unicode first-strong isolates so that an English word or a
// number inside an Arabic sentence neither flips nor drags its neighbours.
func userText(s string) string {
	return "\u2068" + html.EscapeString(s) + "\u2069"
}

// userList joins values with the language's comma, each isolated and
// escaped; empty lists read as "none".
func userList(lang string, items []string) string {
	if len(items) == 0 {
		return text(lang, msgNone)
	}
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = userText(it)
	}
	return strings.Join(out, listSep(lang))
}

// listSep is the language's list comma.
func listSep(lang string) string {
	if lang == "ar" {
		return "، "
	}
	return ", "
}

// commandMenu is what setMyCommands publishes for a language ("" = default).
func commandMenu(lang string) []tgbotapi.BotCommand {
	names := []string{"digest", "search", "alerts", "topics", "time", "timezone", "keywords", "settings", "stories", "lang", "pause", "resume", "help", "stop"}
	descAR := []string{"الجديد الآن", "بحث في الأخبار", "تنبيهات الأخبار العاجلة", "اختيار المواضيع", "مواعيد الموجز", "المنطقة الزمنية", "الكلمات المفتاحية", "الإعدادات", "عدد الأخبار", "اللغة", "إيقاف مؤقت", "استئناف", "المساعدة", "إلغاء الاشتراك"}
	descEN := []string{"New stories now", "Search stories", "Breaking-news alerts", "Choose topics", "Delivery times", "Time zone", "Keywords", "Settings", "Stories per digest", "Language", "Pause daily digests", "Resume daily digests", "Help", "Unsubscribe"}
	desc := descEN
	if lang == "ar" {
		desc = descAR
	}
	cmds := make([]tgbotapi.BotCommand, len(names))
	for i, n := range names {
		cmds[i] = tgbotapi.BotCommand{Command: n, Description: desc[i]}
	}
	return cmds
}
