"""Chat turns that ask nothing of the documents: a greeting, thanks, "Wie geht es dir?", "Was
kannst du?", "Kannst du mir helfen?", "Ich habe eine Frage". A chat widget gets them; quoting a
passage that shares a word with them ("geht", "helfen") would be a confident answer to nothing,
so they get a short note on what the assistant does instead (KnowledgeBase.ask_stream).

A turn is small talk when nothing is left of it once its small-talk phrases, courtesy words and
punctuation are taken out: "Hallo, wer leitet das KI in Bielefeld?" is a question.
"""

import re

_PHRASES = re.compile(
    r"\b("
    # greetings and goodbyes
    r"hallo|hallöchen|hi|hey|moin( moin)?|servus|grüß gott|grüezi|guten (morgen|tag|abend)|"
    r"tschüss|tschüs|ciao|bye|auf wiedersehen|bis (bald|später|dann|morgen)|hello|"
    r"good (morning|afternoon|evening)|see you|"
    # thanks and acknowledgements
    r"(vielen |herzlichen |besten )?dank( dir| ihnen| schön)?|danke( schön| sehr| dir| ihnen)?|"
    r"merci|thx|thanks( a lot)?|thank you( very much)?|ok(ay)?|alles klar|super|prima|"
    r"für die (antwort|info|infos|information|informationen|hilfe|auskunft)|"
    r"for the (answer|info|information|help)|"
    r"(das )?(war|ist) (sehr |echt |wirklich )?(hilfreich|gut|toll)|"
    r"(das )?hat (mir )?(sehr |echt )?geholfen|(that|this) (was|is) (very |really )?helpful|"
    # about the assistant
    r"wie geht('?s| es)( dir| ihnen)?|was geht( ab)?|wer (bist du|sind sie)|was (bist du|sind sie)|"
    r"(bist du|sind sie) (ein |eine )?(mensch|bot|chatbot|ki|roboter|maschine)|"
    r"was (kannst du|können sie)( alles)?|"
    r"(kannst du|können sie|könntest du|könnten sie|würdest du|würden sie) (mir |uns )?"
    r"(bitte |mal )?helfen|"
    r"how are you|who are you|what (can|do) you do|(can|could) you help( me| us)?|"
    r"are you (a |an )?(human|bot|robot|ai)|"
    # announcing a question
    r"ich (habe|hätte|hab)( da| noch| mal)* (eine|ne) frage|i have (a|another) question|"
    r"test(ing)?"
    r")\b",
    re.I,
)
# what may be left around them: addresses, courtesy and filler words
_FILLER = frozenset(
    """
    bitte mal noch doch ja so denn und also nochmal sehr schön lieb liebe lieber lieben
    leute zusammen team bot assistent chatbot du sie ihr dir ihnen mir uns heute eigentlich
    a an the you please just there all everyone today again
    """.split()
)


# English small talk has too few stopwords to be told by them ("Hello", "Thanks!")
_ENGLISH = re.compile(
    r"\b(hello|thanks|thank you|good (morning|afternoon|evening)|how are you|who are you|"
    r"what can you do|can you help|i have a question)\b",
    re.I,
)


def small_talk_in_english(text: str) -> bool:
    """Is the small talk English (to be answered in English)?"""
    return bool(_ENGLISH.search(text))


def is_small_talk(text: str) -> bool:
    """Is nothing left of the text once its small-talk phrases and fillers are taken out (and
    was there one to take out)?"""
    rest, found = _PHRASES.subn(" ", text)
    if not found:
        return False
    words = re.findall(r"[^\W\d_]+|\d+", rest.lower())
    return all(w in _FILLER for w in words)
