# ruff: noqa: E501 - a table of phrases reads better one phrase to a line than wrapped
"""Casewell's own distress lexicon: phrase patterns per category, each with a severity.

Severity: 1 a mention (the word "funeral"), 2 harm described or disclosed, 3 immediate
or explicit (a plan, a threat, a child in danger). ``ALWAYS`` phrases are never
negated or discounted as quotation: a stated plan of suicide and an explicit threat
to a member of staff are always flagged.

Patterns are regular expressions over lower-cased text with ``'`` for every
apostrophe; use ``(?:...)``, never capturing groups. ``ME`` and friends are
shared fragments so the lists stay readable.
"""

from __future__ import annotations

SUICIDE = "suicide"
SELF_HARM = "self-harm"
ABUSE = "abuse"
VIOLENCE = "violence"
THREAT = "threat-to-staff"
BEREAVEMENT = "bereavement"

CATEGORIES: tuple[str, ...] = (SUICIDE, SELF_HARM, ABUSE, VIOLENCE, THREAT, BEREAVEMENT)
LABELS: dict[str, str] = {
    SUICIDE: "suicide",
    SELF_HARM: "self-harm",
    ABUSE: "abuse",
    VIOLENCE: "violence",
    THREAT: "threats to staff",
    BEREAVEMENT: "bereavement",
}

MYSELF = r"(?:my ?self|me self|meself)"
SELVES = r"(?:him|her|them|my|your|our)(?:sel(?:f|ves))"
WILL = (
    r"(?:i ?'?ll|i will|i shall|i ?'?m (?:going|gonna|planning|about|ready) to|im (?:going|gonna)"
    r" to|i am (?:going|gonna|planning|about|ready) to|i ?'?m gonna|i am gonna|i ?'?ve decided to"
    r"|i have decided to|i plan to|i intend to|i want to|i wanna|gonna)"
)
WE_WILL = r"(?:we ?'?ll|we will|we ?'?re (?:going|gonna) to|we are (?:going|gonna) to|people will)"
YOU = (
    r"(?:you|ya|u|your staff|your team|your caseworkers?|your office|the caseworkers?|the mp|your mp"
    r"|the staff|staff|that (?:woman|man|girl|bloke) (?:at|in) (?:your|the) office|everyone (?:at|in)"
    r" (?:your|the|that) office|all of you|the lot of you)"
)
FAMILY = (
    r"(?:husband|wife|partner|son|daughter|child|children|kids?|baby|babies|mum|mom|mother|dad"
    r"|father|brother|sister|boyfriend|girlfriend|fianc[eé]e?|grandson|granddaughter|grandchild"
    r"|grandmother|grandfather|nan|gran|grandma|grandad|grandpa|twins?|stepson|stepdaughter"
    r"|stepfather|stepmother|stepdad|stepmum|uncle|aunt|auntie|nephew|niece|cousin|friend|carer"
    r"|ex|ex[- ]partner|ex[- ]husband|ex[- ]wife)"
)
POSSESSIVE = r"(?:my|our|his|her|their|your|the)"
PILLS = r"(?:pills|tablets|meds|medication|paracetamol|painkillers|sleeping pills|insulin|codeine)"
CHILD = r"(?:child|children|kids?|baby|babies|toddler|infant|son|daughter|minor|girl|boy|teenager)"
HIT = (
    r"(?:hits?|hitting|beats?|beating|beat|punch(?:es|ed|ing)?|kick(?:s|ed|ing)?|slap(?:s|ped|ping)?"
    r"|strangl(?:es|ed|ing)|chok(?:es|ed|ing)|throttl(?:es|ed|ing)|push(?:es|ed)? (?:me )?down"
    r"|shov(?:es|ed)|burn(?:s|ed|t)|bit|bites|thr(?:ew|ows) (?:things|stuff)? ?at)"
)

# (pattern, severity); category -> list. Order does not matter.
# fmt: off
LEXICON: dict[str, list[tuple[str, int]]] = {
    SUICIDE: [
        (r"(?:want|wanted|wanting|wish|wished) (?:it all|everything|it) to (?:end|stop)|want(?:ed)? to end it", 2),
        (r"(?:tired|sick) of (?:life|living|being alive|existing)|no (?:will|desire|wish) to (?:live|go on)", 2),
        (r"(?:feel|felt|feeling|feels) like (?:dying|i want to die|i'?d be better off dead)", 2),
        (r"why (?:am|is) (?:i|he|she) still (?:alive|here)|wish (?:i|that i) (?:had )?(?:never been born|was never born)", 2),
        (r"(?:i ?'?ll|i will|i'?d) be dead (?:by|soon|before|within)", 2),
        (r"(?:shoot|shooting|drown|drowning|electrocut(?:e|ing)|suffocat(?:e|ing)|poison(?:ing)?|gas|gassing) " + MYSELF, 3),
        (r"set(?:ting)? " + MYSELF + r" (?:on fire|alight)|blow(?:ing)? my brains? out|pull(?:ing)? the trigger", 3),
        (r"(?:jump|jumping|jumped|throw " + MYSELF + r") (?:off|out of|out|from|into) (?:my|the|a) (?:balcony|window|bridge|roof|building|cliff|traffic|river|sea)", 3),
        (r"(?:jump|jumping|run|running|walk|walking|step|stepping) (?:out )?(?:into|in front of) (?:the )?traffic", 3),
        (r"(?:rope|noose|belt|cord) (?:around|round) my neck", 3),
        (r"drink(?:ing)? " + MYSELF + r" to death|(?:drive|drove|driving|crash|crashing|wreck|slam) my (?:car|truck|van) (?:into|off)", 3),
        (r"(?:tried|try|trying|attempted|going) (?:to )?(?:od|overdose)\b", 3),
        (r"giv(?:e|ing) away (?:all )?my (?:possessions|things|stuff|belongings)", 2),
        (r"(?:painless|easy) (?:way (?:out|to die)|death|way to go)|exit plan|not waking up", 2),
        (r"suicides?", 1),
        (r"suicidal(?:ly)?(?: (?:thoughts?|ideation|feelings?|intent|crisis))?", 2),
        (r"(?:suicide|suicidal) (?:attempts?|ideation|risk|thoughts?|note|plans?|pact)", 2),
        (r"(?:attempted|attempt(?:ing)?|tried|try(?:ing)?) (?:to )?(?:suicide|end (?:it|my life|her"
         r" life|his life|their life)|kill " + MYSELF + r"|take (?:my|his|her|their) (?:own )?life)", 3),
        (r"kill(?:s|ed|ing)? " + MYSELF, 3),
        # Someone else at risk: constituents and parents write about a son, a partner, a friend.
        (r"kill(?:s|ing)? (?:him|her|them)sel(?:f|ves)", 3),
        (r"(?:has|have|had|got|with) (?:the |his |her |my |their |all (?:the|his|her|my|their) |some )?(?:" + PILLS + r"|rope|noose|ligature) (?:\w+ )?(?:ready|lined up|saved up|stockpiled)", 3),
        (r"tonight(?:'s| is) the night", 2),
        (r"(?:killed|killing|hanged|hung|shot) (?:him|her|them)sel(?:f|ves)", 2),
        (r"(?:committed|commit|died by|death by|lost (?:\w+ ){0,2}to) suicide", 2),
        (r"(?:took|take|taken|taking|end(?:ed|ing|s)?) (?:his|her|their) (?:own )?life", 2),
        (r"(?:end(?:ing)?|take|taking|took) my (?:own )?life", 3),
        (r"end (?:it all|everything|things)", 2),
        (r"want(?:ed|s)? to (?:die|be dead|disappear forever|not exist|stop existing)", 2),
        (r"wanna die|would rather (?:be dead|die)|rather (?:be )?dead|i'?d rather die", 2),
        (r"wish(?:ed)? (?:i|that i) (?:was|were|could be) dead", 2),
        (r"wish(?:ed)? (?:i|that i) (?:wasn't|was not|weren't|were not) (?:alive|here|born|around)", 2),
        (r"wish(?:ed)? (?:i|that i) (?:could|would) (?:die|disappear|not wake up|never wake up)", 2),
        (r"(?:hope|hoping|pray|praying) (?:i|that i) (?:don't|do not|won't|will not|never) wake up", 2),
        (r"(?:better off|be better) (?:dead|without me|if i (?:was|were) (?:gone|dead))", 2),
        (r"(?:don't|do not|no longer|doesn't|does not|dont) (?:want|wish) to (?:live|be alive|be here"
         r"|go on|wake up|exist|carry on)", 2),
        (r"(?:can't|cannot|can not|cant) (?:go on|carry on|do this any ?more|take (?:it|this|any) ?more"
         r"|cope any ?more|keep going)", 1),
        (r"no (?:reason|point) (?:to|in) (?:live|living|going on|carrying on|being alive|being here)", 2),
        (r"(?:life|living|it) (?:is|isn't|is not|'s not|s not) (?:not )?worth (?:living|it any ?more)",
         2),
        (r"not (?:be|being) (?:here|around) (?:any ?more|much longer|for long)", 2),
        (r"(?:thoughts?|thinking|think) (?:of|about) (?:ending (?:it|my life|things)|killing " + MYSELF
         + r"|dying|death|suicide|not being here)", 2),
        (r"(?:overdose|jump|jumping|hang|hanging) (?:off|from|in front of|under) (?:a|the) (?:bridge"
         r"|train|building|roof|cliff|car park|bus|lorry|motorway)", 3),
        (r"(?:jump|jumping|step|stepping|throw " + MYSELF + r") (?:in front of|under) (?:a|the) "
         r"(?:train|bus|lorry|car|tube)", 3),
        (r"hang(?:ing|ed)? " + MYSELF, 3),
        (r"(?:noose|ligature)s?", 3),
        (r"(?:goodbye|suicide) (?:note|letter|message)", 3),
        (r"unalive|kms|kys|self[- ]?delete", 2),
        (r"sleep (?:forever|and never wake up)|never wake up again", 2),
        (r"(?:samaritans|crisis team|crisis line|suicide (?:prevention|hotline|helpline|watch))", 1),
        (r"(?:death|dying|dead) (?:seems|sounds|would be) (?:like )?(?:a |the )?(?:relief|easier|"
         r"better|peaceful|only way)", 2),
        (r"(?:the )?(?:only|one) way out", 1),
    ],
    SELF_HARM: [
        (r"(?:scratch|scratching|scratched|pick|picking|picked|claw|clawing|carv(?:e|ed|ing)(?: into)?) (?:at )?my (?:skin|arms?|legs?|face|wrists?|thighs?)", 2),
        (r"(?:bang|bash|hit|banging|bashing|hitting|banged|bashed) (?:my|his|her|their) head", 2),
        (r"(?:bite|bit|biting|punch|punching|punched|choke|choking|wound|wounding|stab|stabbing|stabbed|mutilate|mutilating|starve|carve|carving|electrocute|electrocuting|poison|poisoning) " + MYSELF, 2),
        (r"nssi|self[- ]injurious|(?:slice|slicing|slit|slitting|slash|slashing) (?:my|his|her|their) wrists?|knife to my (?:throat|wrist|skin)", 3),
        (r"trichotillomania|dermatillomania|skin[- ]picking|hair[- ]pulling", 1),
        (r"self[- ]?harm(?:s|ed|ing|er|ers)?", 2),
        (r"self[- ]?(?:injur(?:y|ies|ing|ed)|mutilat(?:e|es|ed|ing|ion)|destruct(?:ive|ion))", 2),
        (r"(?:cut|cuts|cutting|burn|burns|burning|burnt|hurt|hurts|hurting|harm|harms|harming|injure"
         r"|injured|injuring|scratch|scratching|punish|punishing|starve|starving|starved|hit|hitting"
         r"|bruise|bruising) (?:" + MYSELF + r"|" + SELVES + r")", 2),
        (r"(?:cuts?|scars?|slashes|burns|wounds?) (?:on|up|all over) " + POSSESSIVE
         + r" (?:arms?|wrists?|legs?|thighs?|stomach|body)", 2),
        (r"(?:slit|slash|slashed|slashing|cut|cutting|cutting open) (?:my|his|her|their) (?:wrists?|"
         r"arms?|throat)", 3),
        (r"(?:overdos(?:e|es|ed|ing)|o\.?d\.?'?d on)", 2),
        (r"(?:swallowed|took|take|taken|taking|downed|stockpil(?:e|ed|ing)|hoard(?:ed|ing)|sav(?:ed|ing)"
         r"(?: up)?) (?:a (?:load|bunch|handful|box|packet|bottle) of |all (?:my |the |of my |of the )?"
         r"|loads of |too many |\d+ )(?:of )?(?:my |the |her |his )?" + PILLS, 3),
        (r"(?:bang(?:ing|ed|s)?|hit(?:ting|s)?) (?:my|his|her|their) head (?:against|on|off) (?:the )?"
         r"(?:wall|floor|door)", 2),
        (r"(?:relaps(?:e|ed|ing)) (?:into|on|with) (?:cutting|self[- ]?harm)", 2),
        (r"(?:razor ?blades?|blades) (?:to|on|against) (?:my|his|her|their) (?:skin|arms?|wrists?)", 3),
        (r"(?:urge|urges|impulse|impulses) to (?:cut|hurt " + MYSELF + r"|self[- ]?harm|burn)", 2),
        (r"eating disorder|anorexi(?:a|c)|bulimi(?:a|c)|purg(?:e|ing)", 1),
    ],
    ABUSE: [
        (r"forced (?:me |her |him )?(?:into |to )?(?:have |having )?sex|forced sex|unwanted sex|non[- ]?consensual|without (?:my|her|his|their) consent|forced (?:me|her|him) to touch", 3),
        (r"grop(?:e|ed|ing)|sex(?:ual)? offen(?:ce|se|ces|ses|der|ders)|sex slave|sexual exploitation|took advantage of (?:me|her|him)", 3),
        (r"touching (?:me|her|him)|violated (?:me|her|him)|(?:a |the )?predator|perpetrators?|victim[- ]blaming", 2),
        (r"blackmail(?:ed|ing)?|extort(?:ed|ing|ion)|(?<!dog )(?<!dog-)groom(?:ed|ing)", 1),
        (r"abus(?:e|es|ed|ing|ive|er|ers)", 2),
        (r"(?:domestic|sexual|child|emotional|physical|financial|psychological|verbal|elder|racial|"
         r"homophobic|online|ritual|spousal|substance) (?:abuse|violence|exploitation)", 2),
        (r"(?:sexual(?:ly)?|child|children) (?:abus(?:e|ed|ing)|exploit(?:ed|ation)|assault(?:ed|s)?)"
         r"|sexually (?:abused|assaulted|exploited|harassed)", 3),
        (r"(?:rape|raped|raping|rapist|rapes)", 3),
        (r"(?:molest(?:ed|ing|ation|er)?|paedophil(?:e|es|ia)|pedophil(?:e|es|ia)|incest|indecent "
         r"(?:assault|images|exposure))", 3),
        (r"groom(?:ed|ing) (?:by|online|a child|children|my|her|him|them)|child grooming", 3),
        (r"(?:coercive|controlling) (?:control|behaviou?r|relationship|partner|husband|boyfriend|man)", 2),
        (r"(?:he|she|they|partner|husband|wife|boyfriend|girlfriend|dad|father|stepdad|mum|mother|ex)"
         r" (?:\w+ )?" + HIT + r" (?:me|us|the (?:kids|children|baby)|my (?:son|daughter|kids|children"
         r"|baby|mum|mother|dad|father|sister|brother)|her|him|them)", 3),
        (r"(?:afraid|scared|frightened|terrified|fearful) (?:of|for) (?:my|her|his|their) (?:own )?"
         r"(?:life|lives|safety|partner|husband|wife|boyfriend|girlfriend|ex|dad|father|stepdad|"
         r"children's safety|kids' safety)", 2),
        (r"(?:fled|flee|fleeing|escaped|escaping) (?:from )?(?:domestic|an abusive|my abusive|my "
         r"violent|a violent|the abuse|him|her partner|my partner|my husband|my ex)", 2),
        (r"(?:women's |womens |a )?refuge", 1),
        (r"(?:non[- ]molestation|occupation|restraining|protection) order", 2),
        (r"(?:neglect(?:ed|ing|s)?|starv(?:ed|ing)|malnourished|left alone) (?:\w+ )?" + CHILD, 2),
        (r"(?:child|children) (?:neglect|protection|in care|at risk|cruelty|exploitation|trafficking)", 2),
        (r"(?:safeguarding|section 47|s47|child protection) (?:concerns?|referral|issue|alert|plan|"
         r"investigation|enquiry)", 2),
        (r"(?:fgm|female genital mutilation|forced marriage|honou?r[- ]based (?:abuse|violence)|"
         r"modern slavery|human trafficking|trafficked|sex trafficking|county lines|cuckoo(?:ed|ing))",
         3),
        (r"(?:harass(?:ed|ing|ment)?|stalk(?:ed|ing|er|s)|bull(?:y|ied|ying|ies))", 1),
        (r"(?:upskirting|revenge porn|sextortion|intimate images)", 2),
        (r"(?:inappropriately )?touched (?:me|her|him|my (?:son|daughter|child))(?: inappropriately)?",
         3),
        (r"(?:marks|bruises|bruising|burns) on (?:the |my |his |her )?(?:child|baby|son|daughter|kids?)",
         3),
    ],
    VIOLENCE: [
        (r"(?:hit|hits|grabbed|pushed|shoved|slapped|kicked|choked|punched|knocked|threw|spat at|shot|bit|slammed|restrained|attacked|beat|strangled|throttled) (?:me|her|him|us)\b", 2),
        (r"(?:was|got|been|being) (?:beaten|battered)|beating (?:me |him |her )?up|beatdown", 3),
        (r"(?:was|got|been|being) (?:assaulted|attacked|jumped|mugged)|rough(?:ed)? (?:me |him |her )?up", 2),
        (r"(?:grievous|actual) bodily harm|gbh|abh|bodily harm|physical (?:altercation|harm|fight|attack)|got physical|broken bones|kidnap(?:ped|ping)?|abduct(?:ed|ion)?", 2),
        (r"spit (?:in|at) (?:my|his|her) face|spat (?:in|at) (?:my|his|her) face|used (?:a|the) belt on|brutal(?:ly|ity|ise|ize|ised|ized)?", 2),
        (r"violen(?:t|ce|tly)", 2),
        (r"assault(?:s|ed|ing)?", 2),
        (r"(?<!heart )(?<!panic )(?<!anxiety )attack(?:ed|ing|er|ers)?(?! (?:of|on) (?:anxiety|panic|"
         r"nerves))", 1),
        (r"(?:stab(?:s|bed|bing|bings)?|stab wounds?|shot dead|shot at|shootings?|gunshots?|gunpoint|"
         r"gunman|gunmen|gun attack|knife (?:attack|crime|point)|knifepoint|machete|acid attack)", 3),
        (r"(?:murder(?:s|ed|ing|er|ers|ous)?|manslaughter|homicide|massacre|slaughter(?:ed)?)", 3),
        (r"(?:beaten|beat|battered|kicked|punched|glassed) (?:up|unconscious|to death|black and blue|"
         r"senseless|badly|me|him|her|them)", 3),
        (r"(?:punch(?:ed|ing|es)?|kick(?:ed|ing)|headbutt(?:ed|ing)?|strangl(?:ed|ing|e)|chok(?:ed|ing)"
         r" (?:me|him|her)|thump(?:ed|ing))", 2),
        (r"(?:hang|hanged|hung|hanging|shoot|shot|execute|executed|executing|executions?|lynch(?:ed|"
         r"ing)?|exterminat(?:e|ed|ion)|eliminat(?:e|ed)|string (?:them|him|her) up|hunt (?:them|him|"
         r"her) down|run (?:them|him|her) over|burn (?:them|him|her|it) (?:down|alive|to the ground))"
         r"(?: (?:them|him|her|the lot|all|these|those|for treason|in public|at dawn|at the gallows))",
         3),
        (r"(?:should|must|ought to|needs? to|deserves? to|will) (?:\w+ )?(?:be )?(?:hanged|hung|shot|"
         r"executed|killed|lynched|exterminated|strung up|burned|burnt|put (?:down|to death)|die)", 3),
        (r"(?:gallows|guillotine|firing squad|electric chair|death (?:penalty|sentence)|public hanging|"
         r"the rope|noose|silver bullet|woodchipper)", 2),
        (r"(?:kill|killed|killing|killings) (?:him|her|them|someone|people|a (?:man|woman|child|boy|girl"
         r")|my \w+|the \w+|all of them|everyone|every)", 3),
        (r"(?:killed|killing|killings|kills)", 1),
        (r"(?:knife|knives|blade|firearm|gun|guns|rifle|shotgun|weapon|weapons|bullets?|ammo|"
         r"ammunition|bomb|bombs|bombing|explosives?|grenade)", 1),
        (r"(?:gang (?:violence|attack|fight)|fight(?:s|ing)? (?:broke out|outside)|brawl|riot(?:s|ing)?"
         r"|mob (?:attack|violence)|a fight)", 1),
        (r"(?:blood(?:y|ied)? (?:nose|face|lip|everywhere)|broken (?:nose|jaw|ribs?|arm|cheekbone)|"
         r"black eye|fractured skull|head injur(?:y|ies)|covered in blood)", 2),
        (r"(?:threaten(?:s|ed|ing)?|threats?) (?:to (?:kill|hurt|stab|shoot|burn|attack|beat|harm)|"
         r"of violence|with a (?:knife|gun|weapon))", 3),
        (r"(?:terroris[tm]s?|terror attack|jihad|bloodbath|civil war|take up arms|bloodshed)", 2),
        (r"(?:torture(?:d|s)?|tortur(?:ing|er)|crucif(?:y|ied)|mutilat(?:e|ed|ion)|dismember(?:ed)?|"
         r"behead(?:ed|ing)?|decapitat(?:e|ed))", 3),
        (r"(?:gitmo(?:ed)?|guantanamo)", 1),
    ],
    THREAT: [
        (r"(?:threat(?:s|en(?:ed|ing)?)?|abus(?:e|ive)|aggressi(?:ve|on)|intimidat(?:ing|ion)|"
         r"menacing) (?:to |towards |against |at |on )?(?:the |our |your )?(?:staff|caseworkers?|"
         r"the mp|our mp|your mp|the office|member of staff|colleague|office (?:staff|team))", 2),
        (r"(?:threatening|abusive|aggressive|menacing|nasty) (?:caller|call|phone ?calls?|voicemails?|"
         r"e-?mails?|messages?|letters?|constituent|visitor|behaviou?r (?:towards|to) (?:staff|us))", 2),
        (r"(?:threatened|abused|attacked|assaulted|spat at|intimidated|followed) (?:a |our |the )?"
         r"(?:member of staff|staff member|caseworker|receptionist|colleague|office manager|the mp|"
         r"our mp|staff)", 3),
    ],
    BEREAVEMENT: [
        (r"(?:he|she|they|who) (?:has |had |have )?(?:died|was killed|were killed|was murdered|passed)|(?:he|she) (?:is|was) dead|they (?:are|were) dead", 2),
        (r"(?:loss of|lost|losing) (?:a|my|our|their|his|her) (?:child|friend|parent|partner|spouse|loved one|family member)", 2),
        (r"(?:his|her|their|my|mother's|father's|mum's|dad's) passing|pass(?:ed|ing)? away|(?:coping with|come to terms with|grieving) (?:the|her|his|their|my|our) loss|(?:my|our) loss|sorry for (?:your|the) loss", 1),
        (r"obituar(?:y|ies)|eulog(?:y|ies)|memorial|remembrance|hospice|put (?:my|our|the) (?:dog|cat) down|miss(?:ing)? my late", 1),
        (r"bereave(?:d|ment|ments)?", 1),
        (r"(?:passed away|passed on|has passed|had passed|sadly passed|passing of|sadly died|died "
         r"(?:suddenly|unexpectedly|last|on|in|at|after|from|of|peacefully|yesterday|today|this)|"
         r"(?:has|have|had) died|who died|died\.|death of)", 1),
        (r"(?:funeral|cremation|crematorium|burial|wake|memorial service|inquest|coroner(?:'s)?|"
         r"post[- ]mortem|death certificate|probate|condolences|grie(?:f|ving|ve|ved)|mourn(?:ing|s)?)"
         r"(?! (?:up|me up))", 1),
        (r"(?:my|our|his|her|their) late " + FAMILY, 1),
        (r"(?:lost|losing|loss of|death of|death of our|passing of|buried|bury|burying) " + POSSESSIVE
         + r" (?:\w+ )?" + FAMILY, 2),
        (r"(?:lost|losing|loss of|death of) (?:my|our|her|his|their|the) (?:unborn )?(?:baby|babies|"
         r"child|son|daughter|twins?)|(?:still[- ]?birth|still[- ]?born|miscarr(?:iage|ied|iages)|"
         r"cot death|sids|sudden infant death|neonatal death|baby loss|child death)", 2),
        (r"(?:widow(?:ed|er)?|orphan(?:ed)?)", 1),
        (r"(?:" + FAMILY + r") (?:has |had |have |)?(?:died|was killed|passed away|committed suicide|"
         r"took (?:his|her|their) (?:own )?life)", 2),
    ],
}

# Always flagged: never negated, never discounted as quotation or quoted reply.
ALWAYS: dict[str, list[tuple[str, int]]] = {
    SUICIDE: [
        (WILL + r" (?:\w+ )?(?:kill " + MYSELF + r"|end (?:my life|it all|it tonight|everything|"
         r"things)|take my (?:own )?life|commit suicide|hang " + MYSELF + r"|overdose|jump (?:off|from|in"
         r" front of)|do it tonight|not be here (?:tomorrow|by|much longer))", 3),
        (r"(?:plan|planning|plans|planned|decided|made up my mind|chosen (?:a|the) (?:date|day|way))"
         r" (?:how |when |where )?(?:to|for|on how to|i(?:'ll| will)) (?:kill " + MYSELF
         + r"|end (?:my life|it(?: all)?)|take my (?:own )?life|die|commit suicide|do it)", 3),
        (r"plan(?:s|ned|ning)? (?:\w+ ){0,2}to (?:kill (?:him|her|them)sel(?:f|ves)|end (?:his|her|their)"
         r" (?:own )?life|take (?:his|her|their) (?:own )?life)", 3),
        (r"(?:i ?'?ve|i have) (?:written|left|wrote|made) (?:a |my )?(?:suicide |goodbye )?(?:note|"
         r"letters?|will) (?:for|to|so|and)", 3),
        (r"(?:by the time (?:you|anyone|someone) (?:read|reads|see|sees|gets?) this|this is (?:my|a) "
         r"(?:last|final) (?:e-?mail|message|letter|goodbye)|my last (?:e-?mail|message|night|day))", 3),
        (r"(?:i ?'?ve|i have|i) (?:bought|got|found|tied|saved|been saving|stockpiled|collected) (?:a |"
         r"the |some |up |enough )?(?:rope|noose|ligature|pills|tablets|paracetamol) (?:to|so|for|and)",
         3),
        (r"(?:tonight|tomorrow|this weekend|on (?:monday|tuesday|wednesday|thursday|friday|saturday|"
         r"sunday)) (?:is the night |i ?'?ll |i will |i ?'?m going to |i am going to )(?:do it|end it|"
         r"kill " + MYSELF + r"|die|take my life)", 3),
    ],
    THREAT: [
        (r"(?:" + WILL + r"|" + WE_WILL + r"|someone (?:will|should|is going to)) (?:\w+ ){0,2}(?:kill|"
         r"murder|hurt|stab|shoot|batter|smash|attack|beat|punch|deck|strangle|glass|knife|burn|torch|"
         r"bomb|petrol[- ]bomb|acid|slash|hunt down|rape|break|smash (?:up|in)|kick (?:in|the hell"
         r" out of)|beat (?:up|the hell out of)) (?:" + YOU + r")\b", 3),
        # Everyday verbs ("I'll get you the form") only count as a threat when they end the clause.
        (r"(?:" + WILL + r"|" + WE_WILL + r") (?:\w+ )?(?:find|get|do|sort out|deal with|come for|"
         r"come after|end|destroy|finish|have) (?:" + YOU + r")(?= *(?:[.!;]|$|one day|soon|for (?:this"
         r"|that|what)|when|outside|after work|and your))", 3),
        # A threat naming a member of staff in the third person ("tell the caseworker I'll ...").
        (r"(?:caseworkers?|receptionist|the mp|your mp|member of staff|your staff|that (?:woman|man|girl|bloke))[,:]?(?: \w+){0,6}[,:]? (?:i ?'?ll|i will|i am going to|i ?'?m going to|i ?'?m gonna|we ?'?ll|we will) (?:\w+ )?(?:kill|murder|stab|hurt|shoot|batter|smash|attack|beat|punch|burn|rape|strangle|get|find|do) (?:her|him|them|you)\b", 3),
        (r"(?:i|we|people|they) (?:know|found out|have found) where (?:you|" + YOU + r"|she|he|they)"
         r" (?:live|lives|work|works|park|parks|go)", 3),
        (r"(?:watch your back|watch yourselves|you ?'?(?:ll| will) (?:regret|pay for|be sorry for) "
         r"(?:this|it|that)|you ?'?(?:re| are) (?:dead|going to die|gonna die|a dead (?:man|woman))|"
         r"your days are numbered|you (?:won't|will not) (?:see|live to see) (?:christmas|the weekend|"
         r"next week|another day)|(?:you|your family|your kids) (?:will|are going to) get hurt)", 3),
        (r"(?:burn|torch|blow up|bomb|petrol[- ]bomb|smash up|firebomb|shoot up) (?:down )?(?:your|the|"
         r"that|his|her) (?:office|house|home|car|surgery|constituency office)", 3),
        (r"(?:you|" + YOU + r") (?:should|deserves? to|ought to|need to|needs to) (?:be )?(?:die|"
         r"hanged|hung|shot|stabbed|killed|raped|burned|burnt|beaten|strung up|put down)", 3),
        (r"(?:i ?'?ll|i will|i am|i ?'?m|we ?'?ll|we will|we are) (?:be )?(?:waiting|outside|coming) "
         r"(?:for you|outside (?:your|the) office|round|down there|to (?:your|the) office|with a (?:knife"
         r"|gun|weapon|bat|hammer))", 3),
        (r"(?:acid|knife|gun|bullet|brick|fist) (?:in|through|to|in to|into) your (?:face|head|window|"
         r"chest|throat)", 3),
        (r"(?:something|what) (?:bad )?(?:will|is going to|might) happen to (?:you|your (?:staff|family|"
         r"office|kids))", 3),
    ],
}
# fmt: on
