using System.Text;
using ControlPlane.Application.Common;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace ControlPlane.Infrastructure.Slos;

/// <summary>
/// What an imported OpenSLO document may be, checked on the YAML event stream before anything is built from it: deep
/// nesting would recurse the deserializer to a stack overflow, and a multi-document stream or a megabyte annotation would
/// otherwise be dropped or stored silently.
/// </summary>
internal static class OpenSloLimits
{
    public const int MaxDocumentBytes = 64 * 1024;

    /// <summary>One SLO per import: a stream of several would otherwise import its first and drop the rest.</summary>
    public const int MaxDocuments = 1;

    /// <summary>An OpenSLO SLO nests 7 levels (spec.indicator.spec.ratioMetric.raw.metricSource.spec).</summary>
    public const int MaxDepth = 16;

    /// <summary>Any one value (names, queries, the remediation annotation) is at most this long.</summary>
    public const int MaxValueLength = 4096;

    public static void Check(string document, FieldErrors errors)
    {
        if (Encoding.UTF8.GetByteCount(document) > MaxDocumentBytes)
        {
            errors.Add("document", $"at most {MaxDocumentBytes} bytes");
            return;
        }

        var documents = 0;
        var depth = 0;
        try
        {
            var parser = new Parser(new StringReader(document));
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case DocumentStart:
                        documents++;
                        break;
                    case MappingStart or SequenceStart:
                        depth++;
                        break;
                    case MappingEnd or SequenceEnd:
                        depth--;
                        break;
                    case Scalar scalar when scalar.Value.Length > MaxValueLength:
                        errors.Add("document", $"a value at line {scalar.Start.Line} is longer than {MaxValueLength} characters");
                        return;
                }

                if (documents > MaxDocuments || depth > MaxDepth)
                {
                    errors.Add("document", documents > MaxDocuments
                        ? $"one SLO per import ({MaxDocuments} YAML document): import each document of a stream separately"
                        : $"nested deeper than {MaxDepth} levels at line {parser.Current!.Start.Line}");
                    return;
                }
            }
        }
        catch (YamlException e)
        {
            errors.Add("document", $"an OpenSLO v1 SLO document in YAML ({e.Message})");
        }
    }
}
