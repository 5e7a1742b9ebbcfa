using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace Lookalike.Web;

/// <summary>
/// Errors as RFC 7807 problem details (application/problem+json) that also carry the reason in an <c>error</c>
/// member, the field earlier clients read.
/// </summary>
internal static class Problems
{
    /// <summary>The name of the extension member holding the reason.</summary>
    public const string ErrorMember = "error";

    public static ProblemHttpResult Of(int status, string reason) => TypedResults.Problem(Details(status, reason));

    public static ProblemDetails Details(int status, string reason) => new()
    {
        Status = status,
        Title = ReasonPhrases.GetReasonPhrase(status),
        Detail = reason,
        Extensions = { [ErrorMember] = reason },
    };

    /// <summary>Gives problems written by the framework (404, 405, 429, 500 …) the same <c>error</c> member.</summary>
    public static void AddErrorMember(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (!problem.Extensions.ContainsKey(ErrorMember))
            problem.Extensions[ErrorMember] = problem.Detail ?? problem.Title ?? ReasonPhrases.GetReasonPhrase(problem.Status ?? 500);
    }
}
