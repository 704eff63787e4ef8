import { ApiProblem, problemOf } from './api';

describe('problemOf', () => {
  it('reads a problem+json answer: title, detail and code', () => {
    const problem = problemOf(
      403,
      JSON.stringify({
        type: 'https://switchboard.example/problems/block-reason-required',
        title: "The tenant's block policy requires a reason",
        status: 403,
        detail: "the tenant's block policy requires a reason to unblock a contact",
        code: 'block-reason-required',
      }),
    );
    expect(problem).toBeInstanceOf(ApiProblem);
    expect(problem).toMatchObject({
      status: 403,
      title: "The tenant's block policy requires a reason",
      detail: "the tenant's block policy requires a reason to unblock a contact",
      code: 'block-reason-required',
    });
  });

  it("gives a problem with the status and a generic message for a proxy's HTML page or an empty body", () => {
    const badGateway = problemOf(502, '<html><body><h1>502 Bad Gateway</h1></body></html>');
    expect(badGateway).toBeInstanceOf(ApiProblem);
    expect(badGateway).toMatchObject({ status: 502, title: 'HTTP 502', code: undefined });
    expect(badGateway.message).toContain('try again');
    expect(problemOf(504, '')).toMatchObject({ status: 504, title: 'HTTP 504' });
    expect(problemOf(400, 'null')).toMatchObject({ status: 400, title: 'HTTP 400' });
    expect(problemOf(418, '"teapot"')).toMatchObject({ status: 418, title: 'HTTP 418' });
  });
});
