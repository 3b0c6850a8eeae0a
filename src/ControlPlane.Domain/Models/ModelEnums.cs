namespace ControlPlane.Domain.Models;

/// <summary>Serialization format of a model artifact.</summary>
public enum ArtifactFormat
{
    Safetensors,
    Onnx,
    Gguf,
    Tensorrt,
    Pytorch,
}

/// <summary>Numeric precision the weights are stored in.</summary>
public enum Quantization
{
    Fp32,
    Bf16,
    Fp16,
    Fp8,
    Int8,
    Int4,
}

/// <summary>Lifecycle of a model version.</summary>
public enum ModelVersionState
{
    /// <summary>Registered; waiting for the artifact to be uploaded and finalized.</summary>
    PendingUpload,

    /// <summary>Verified: the stored bytes have the registered size and SHA-256.</summary>
    Ready,

    /// <summary>Finalize found other bytes than registered; the reason says what.</summary>
    Failed,
}
