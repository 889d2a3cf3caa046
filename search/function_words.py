"""Question and function words of each language, as customers type them.

Whoosh's stop lists drop articles and prepositions, but customers write
sentences and questions: "How do I ...", "Comment puis-je ...", "Wie kann
ich ...", "Cómo puedo ...". Words like these say what kind of sentence it is,
not what it is about, so they must not decide which article ranks first. The
query gives them a small weight and leaves them out of the coordination count
(search/queries.py); a text made of nothing else still searches them.

Lists are accent-folded and lower-cased, like the words they meet.

>>> is_function_word("How", "en"), is_function_word("contact", "en")
(True, False)
>>> is_function_word("Où", "fr"), is_function_word("können", "de_AT")
(True, True)
"""

from __future__ import annotations

import functools

from .analysis import fold, language_of, stop_words

FUNCTION_WORDS = {
    "en": """
        how what where why when which who whom whose can could do does did done doing i im ive me my
        mine myself you your we our us they their them it its is are was were be been being am have has
        had having will would shall should may might must cant cannot dont doesnt didnt isnt wont not no
        there here this that these those a an the to of in on at for from with by about into as or and
        but if so any some get got want wanted need needed trying try please help hi hello way possible
        able also just still again anymore something anything
    """,
    "fr": """
        comment quoi que quel quelle quels quelles ou pourquoi quand qui combien est ce cest estce
        je j me m moi mon ma mes tu te toi ton ta tes vous votre vos nous notre nos il elle ils elles on
        le la les l un une des du de d a au aux en dans sur pour par avec sans et ou mais ne pas n plus
        puis peux peut pouvez pouvons faire fais fait faut dois doit devez veux veut voudrais souhaite
        suis es sont etre ai as avez avons y il s se sa son ses leur leurs cela ca ceci
        bonjour svp merci possible aide
    """,
    "de": """
        wie was wo warum wann welche welcher welches welchen wer wen wem wieso weshalb woher wohin
        ich mich mir mein meine meinen meinem meiner du dich dir dein deine sie ihr ihre ihren ihnen
        wir uns unser unsere er es man kann konnen koennen kannst konnte muss mussen soll sollte will
        wollen mochte mochten mache machen tun ist sind bin bist war habe hast hat haben hatte werde
        wird werden wurde gibt geht der die das den dem des ein eine einen einem einer und oder aber
        nicht kein keine zu im in am an auf fur mit von bei aus nach um uber da hier so bitte hallo
        moglich denn doch mal noch eigentlich
    """,
    "es": """
        como que cual cuales donde por porque cuando quien quienes cuanto cuanta es son esta estan
        yo me mi mis mio tu te ti tus usted ustedes su sus nosotros nuestro nuestra se le les lo la los
        las el un una unos unas de del al a en con sin para y o pero no puedo puede pueden podria
        quiero quiere quisiera necesito necesita hacer hago hace hay tengo tiene debo debe hola
        gracias favor posible ayuda
    """,
    "it": """
        come cosa che quale quali dove perche quando chi quanto quanta e sono sei siamo
        io mi me mio mia miei mie tu ti te tuo tua lei suo sua noi ci nostro nostra voi vi loro si
        il lo la i gli le l un uno una un di del della dei delle a al alla in nel nella con per su da
        e o ma non posso puo possono potrei voglio vorrei devo deve bisogna fare faccio fa c ce
        ho hai ha abbiamo avete hanno ciao grazie possibile aiuto
    """,
    "pt": """
        como que qual quais onde porque porquê quando quem quanto quanta e sao esta estao
        eu me mim meu minha meus minhas tu te ti teu tua voce voces seu sua seus suas nos nosso
        nossa se lhe o a os as um uma uns umas de do da dos das ao a em no na nos nas com sem para
        por pelo pela ou mas nao posso pode podem poderia quero queria preciso precisa fazer faco faz
        ha tenho tem devo deve ola obrigado obrigada favor possivel ajuda
    """,
}


@functools.cache
def question_words(language: str) -> frozenset[str]:
    """The language's question and function words as listed here, folded (no stop list)."""
    return frozenset(fold(w) for w in FUNCTION_WORDS.get(language, "").split())


@functools.cache
def function_words(language: str) -> frozenset[str]:
    """The language's question and function words, with its stop words, folded."""
    return question_words(language) | stop_words(language)


def is_function_word(word: str, locale: str) -> bool:
    """True when ``word`` is a question or function word of the locale's language."""
    return fold(word).replace("'", "").replace("’", "") in function_words(language_of(locale))
