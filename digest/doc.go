// Package digest is the pure text engine of newsdigest: language detection,
// normalisation and stemming, sentence segmentation, extractive summaries,
// topic classification, near-duplicate clustering, ranking, selection and
// Telegram-HTML rendering. It does no I/O: callers pass articles in and get
// stories and message texts back, so every step is testable as a function.
package digest
