import { describe, expect, it } from 'vitest'
import {
  collapseElongation,
  emotiveTokenValence,
  normalizeSocialText,
  splitHashtag,
  squeezeDoubles,
  TOKEN_CAPS,
  TOKEN_CLAUSE_START,
  TOKEN_ELONGATED,
  TOKEN_EMOTIVE,
  TOKEN_HASHTAG,
} from '../../worker/classify/social-text'

const tokensOf = (text: string) => normalizeSocialText(text).tokens

describe('normalizeSocialText', () => {
  it('drops @handles (X, Bluesky and Mastodon styles) and counts them', () => {
    const post = normalizeSocialText('@NordlinkCare @mari.bsky.social @jaan@mastodon.social no internet.')
    expect(post.tokens).toEqual(['no', 'internet'])
    expect(post.handles).toBe(3)
  })

  it('drops links and counts them', () => {
    const post = normalizeSocialText('see https://t.co/AbC123 and www.example.com/status?x=1 and HTTP://X.EE')
    expect(post.tokens).toEqual(['see', 'and', 'and'])
    expect(post.links).toBe(3)
  })

  it('does not take the @ of an e-mail address for a handle', () => {
    const post = normalizeSocialText('write to mari@example.com')
    expect(post.handles).toBe(0)
    expect(post.tokens).toEqual(['write', 'to', 'mari', 'example', 'com'])
  })

  it('splits hashtags into words and flags them', () => {
    const post = normalizeSocialText('#NoInternetAgain #fail #worst_service_ever')
    expect(post.tokens).toEqual(['no', 'internet', 'again', 'fail', 'worst', 'service', 'ever'])
    expect(post.flags.every((f) => (f & TOKEN_HASHTAG) !== 0)).toBe(true)
    expect(post.hashtags).toBe(3)
  })

  it('collapses elongations and flags the word', () => {
    const post = normalizeSocialText('sooooo slow, goooood, ужаааасно')
    expect(post.tokens).toEqual(['soo', 'slow', 'good', 'ужаасно'])
    expect(post.flags[0]! & TOKEN_ELONGATED).toBe(TOKEN_ELONGATED)
    expect(post.flags[1]! & TOKEN_ELONGATED).toBe(0)
    expect(post.flags[2]! & TOKEN_ELONGATED).toBe(TOKEN_ELONGATED)
    expect(post.flags[3]! & TOKEN_ELONGATED).toBe(TOKEN_ELONGATED)
  })

  it('does not call numbers elongated', () => {
    const post = normalizeSocialText('waited 1000 minutes')
    expect(post.tokens).toEqual(['waited', '1000', 'minutes'])
    expect(post.flags.some((f) => (f & TOKEN_ELONGATED) !== 0)).toBe(false)
  })

  it('keeps negation words whole, apostrophes included', () => {
    expect(tokensOf("I don't know, it isn’t working and they can't say")).toEqual([
      'i', "don't", 'know', 'it', "isn't", 'working', 'and', 'they', "can't", 'say',
    ])
    expect(tokensOf('не работает, ei tööta, nicht gut, non va, no sirve')).toEqual([
      'не', 'работает', 'ei', 'tööta', 'nicht', 'gut', 'non', 'va', 'no', 'sirve',
    ])
  })

  it('splits Italian elisions but not English contractions', () => {
    expect(tokensOf("c'è un guasto, dell'assistenza, it's down")).toEqual(['c', 'è', 'un', 'guasto', 'dell', 'assistenza', "it's", 'down'])
  })

  it('turns emoji and emoticons into sentiment tokens', () => {
    const post = normalizeSocialText('down again 😡 :( but thanks :-) ❤️ 👍🏽')
    expect(post.tokens).toEqual(['down', 'again', 'emo-3', 'emo-2', 'but', 'thanks', 'emo+2', 'emo+3', 'emo+2'])
    expect(post.flags[2]! & TOKEN_EMOTIVE).toBe(TOKEN_EMOTIVE)
    expect(emotiveTokenValence('emo-3')).toBe(-3)
    expect(emotiveTokenValence('emotion')).toBeUndefined()
  })

  it('reads Russian-style brackets: "))" smiles, "((" frowns, a closed "( )" is neither', () => {
    expect(tokensOf('спасибо)))')).toEqual(['спасибо', 'emo+2'])
    expect(tokensOf('опять нет связи((')).toEqual(['опять', 'нет', 'связи', 'emo-2'])
    expect(tokensOf('в Кристийне (Таллинн) нет связи')).toEqual(['в', 'кристийне', 'таллинн', 'нет', 'связи'])
    expect(tokensOf('1) router 2) modem')).toEqual(['1', 'router', '2', 'modem'])
  })

  it('does not read clock times or ratios as emoticons', () => {
    expect(tokensOf('at 10:30 and 3:2')).toEqual(['at', '10', '30', 'and', '3', '2'])
  })

  it('flags capitals only when the post is not all capitals', () => {
    const mixed = normalizeSocialText('this is NOT ok')
    expect(mixed.flags[2]! & TOKEN_CAPS).toBe(TOKEN_CAPS)
    expect(mixed.flags[3]! & TOKEN_CAPS).toBe(0)
    const shouting = normalizeSocialText('THIS IS NOT OK')
    expect(shouting.flags.some((f) => (f & TOKEN_CAPS) !== 0)).toBe(false)
  })

  it('marks the first token after a clause boundary', () => {
    const post = normalizeSocialText('not bad. slow though, really\nok')
    const starts = post.tokens.filter((_, i) => (post.flags[i]! & TOKEN_CLAUSE_START) !== 0)
    expect(starts).toEqual(['slow', 'really', 'ok'])
  })

  it('counts exclamation and question marks', () => {
    const post = normalizeSocialText('why?? fix it!!!')
    expect(post.exclamations).toBe(3)
    expect(post.questions).toBe(2)
  })

  it('returns nothing for an empty post', () => {
    expect(normalizeSocialText('')).toEqual({ tokens: [], flags: [], exclamations: 0, questions: 0, handles: 0, links: 0, hashtags: 0 })
  })
})

describe('splitHashtag', () => {
  it('splits camel case, digits and underscores, and keeps runs of capitals together', () => {
    expect(splitHashtag('NoInternetAgain')).toEqual(['no', 'internet', 'again'])
    expect(splitHashtag('EPICFail')).toEqual(['epic', 'fail'])
    expect(splitHashtag('WiFi6')).toEqual(['wi', 'fi', '6'])
    expect(splitHashtag('ПлохойСервис')).toEqual(['плохой', 'сервис'])
    expect(splitHashtag('worstserviceever')).toEqual(['worstserviceever'])
  })
})

describe('collapseElongation and squeezeDoubles', () => {
  it('collapse runs of three or more to two, then doubles to one', () => {
    expect(collapseElongation('sooooo')).toBe('soo')
    expect(collapseElongation('cool')).toBe('cool')
    expect(squeezeDoubles('soo')).toBe('so')
    expect(squeezeDoubles('baad')).toBe('bad')
  })
})
