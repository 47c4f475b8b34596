import assert from 'node:assert/strict';
import { GraphError } from '../../src/simulator/errors';
import { evaluateFilter, matchesSearch, needsAdvancedQuery, parseFilter, parseSearch } from '../../src/simulator/odata';
import { formatByteQuantifiedSize } from '../../src/simulator/exchange/cmdlets/mailbox';

const user = {
  displayName: "Kevin O'Brien",
  givenName: 'Kevin',
  userPrincipalName: 'kevin.obrien@contoso.com',
  accountEnabled: true,
  assignedLicenses: [{ skuId: '05e9a617-0261-4cee-bb44-138d3ef5d965', disabledPlans: [] }],
  groupTypes: ['Unified'],
};

describe('simulator OData', () => {
  it('evaluates the find-user filter the bot sends, case-insensitively, with doubled quotes', () => {
    const f = parseFilter("startswith(displayName,'kevin o''b') or startswith(givenName,'x') or userPrincipalName eq 'KEVIN.OBRIEN@contoso.com' or mail eq 'x'");
    assert.equal(evaluateFilter(f, user), true);
    assert.equal(evaluateFilter(parseFilter("startswith(displayName,'Jane')"), user), false);
  });

  it('supports in, and/not, booleans, GUID literals and any() lambdas', () => {
    assert.equal(evaluateFilter(parseFilter("userPrincipalName in ('a@b.c', 'kevin.obrien@contoso.com')"), user), true);
    assert.equal(evaluateFilter(parseFilter('accountEnabled eq true and not (accountEnabled eq false)'), user), true);
    assert.equal(evaluateFilter(parseFilter('assignedLicenses/any(x:x/skuId eq 05e9a617-0261-4cee-bb44-138d3ef5d965)'), user), true);
    assert.equal(evaluateFilter(parseFilter("groupTypes/any(c:c eq 'DynamicMembership')"), user), false);
  });

  it('knows which operators are advanced queries', () => {
    assert.equal(needsAdvancedQuery(parseFilter("displayName eq 'x'")), false);
    assert.equal(needsAdvancedQuery(parseFilter("displayName ne 'x'")), true);
    assert.equal(needsAdvancedQuery(parseFilter("endswith(mail,'@contoso.com')")), true);
    assert.equal(needsAdvancedQuery(parseFilter("not startswith(displayName,'x')")), true);
  });

  it('rejects malformed filters with a Graph 400', () => {
    for (const bad of ["displayName eq 'open", 'displayName foo 1', "startswith(displayName,'x'"]) {
      assert.throws(() => parseFilter(bad), (e: unknown) => e instanceof GraphError && e.status === 400, bad);
    }
  });

  it('matches $search terms as word prefixes', () => {
    assert.equal(matchesSearch(parseSearch('"displayName:o\'bri"'), user), true);
    assert.equal(matchesSearch(parseSearch('"displayName:kev"'), user), true);
    assert.equal(matchesSearch(parseSearch('"displayName:evin"'), user), false);
    assert.equal(matchesSearch(parseSearch('"displayName:zzz" OR "userPrincipalName:kevin"'), user), true);
    assert.throws(() => parseSearch('kevin'), GraphError);
  });

  it("formats sizes the way Exchange's ByteQuantifiedSize does", () => {
    assert.equal(formatByteQuantifiedSize(13_249_974_272), '12.34 GB (13,249,974,272 bytes)');
    assert.equal(formatByteQuantifiedSize(737_743_596), '703.6 MB (737,743,596 bytes)');
    assert.equal(formatByteQuantifiedSize(53_150_220_288), '49.5 GB (53,150,220,288 bytes)');
    assert.equal(formatByteQuantifiedSize(0), '0 B (0 bytes)');
  });
});
